#pragma once
// Where a heavy kernel family runs. Every family has up to three implementations (ARCHITECTURE.md,
// Backends): Vulkan compute (float32), the fast CPU path (float32, vectorised, every core) and
// the double-precision CPU reference, the tests' oracle. Auto, the default, runs Vulkan on a real
// GPU and the CPU path where the Vulkan device is itself a CPU (VK_PHYSICAL_DEVICE_TYPE_CPU:
// lavapipe, where most kernels run several times slower than the CPU path; a family measured
// faster on lavapipe, the diffusion samplers, keeps Vulkan there); the drawing stays on Vulkan
// either way. Gpu and Cpu force a choice (--backend gpu|cpu).
#include <string>

namespace flowscope {

class GpuContext;

enum class BackendChoice { Auto, Gpu, Cpu };
std::string backendChoiceName(BackendChoice c);  // "auto" | "gpu" | "cpu"
// InputError "<field>: unknown 'x' (valid: auto, gpu, cpu)".
BackendChoice parseBackendChoice(const std::string& name, const std::string& field = "backend");

// Whether a kernel family runs on Vulkan: Gpu whenever there is a device, Auto where the device
// is not a CPU, Cpu never; without a device (null), never.
bool runsOnVulkan(BackendChoice c, const GpuContext* gpu);

}  // namespace flowscope
