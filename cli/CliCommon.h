#pragma once
// Shared pieces of flowscope-cli's commands: exit codes, backends, output helpers.
#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

#include "GpuContext.h"
#include "InputError.h"

namespace flowscope::cli {

// Exit codes: 0 success, 2 invalid input or usage, 3 device or runtime failure.
enum Exit : int { kOk = 0, kInvalid = 2, kDeviceFailure = 3 };

// --backend gpu|cpu. A GPU request with no usable Vulkan device falls back to the CPU with a
// one-line warning on stderr; `gpu` is then null.
struct Backend {
  std::unique_ptr<GpuContext> gpu;
  std::string name() const { return gpu ? "gpu" : "cpu"; }
  std::string device() const;
};
Backend openBackend(const std::string& requested);
// For commands that cannot run without Vulkan (render): throws GpuError.
std::unique_ptr<GpuContext> requireGpu();

std::string cpuDescription();
CLI::Option* addBackendOption(CLI::App& cmd, std::string& backend);

// --backend for a kernel family with a fast CPU path (attention, Sinkhorn, receptive fields):
//   auto (the default): Vulkan on a GPU; the fast CPU path where the Vulkan device is a CPU
//        (VK_PHYSICAL_DEVICE_TYPE_CPU: lavapipe) or there is none;
//   gpu: Vulkan (falls back to cpu with a warning without a device);
//   cpu: the fast CPU path (float32, vectorised, every core);
//   reference: the double-precision CPU reference (the tests' oracle).
// JSON: "backend" is the one that ran (gpu | cpu | reference), "compute" says it in words.
struct KernelBackend {
  enum class Kind { Gpu, FastCpu, Reference };
  Kind kind = Kind::FastCpu;
  std::unique_ptr<GpuContext> gpu;  // Kind::Gpu only
  std::string name() const;         // "gpu" | "cpu" | "reference"
};
KernelBackend openKernelBackend(const std::string& requested);
// `cpuPath`: what --backend cpu runs for this command, for --help.
CLI::Option* addKernelBackendOption(CLI::App& cmd, std::string& backend,
                                    const std::string& cpuPath);

// A check's "field: why" as the flag's "--flag: why": spaces become dashes ("embedding width" is
// --embedding-width), and the optimiser's and average's names become their flags' ("learning
// rate" is --lr, "total steps" --steps, "warm-up steps" --warmup, "EMA decay" --ema, "flow
// specification" --flow).
std::string asFlagMessage(const std::string& what);
// Runs `check`, its InputError re-thrown in the flag's words.
template <class Fn>
auto asFlag(Fn&& check) {
  try {
    return check();
  } catch (const InputError& e) {
    throw InputError(asFlagMessage(e.what()));
  }
}

using Runner = std::function<int()>;
// For --help: the built-in scene names ('default', 'default-<lab>') and each lab's scene tag.
std::string sceneNamesHelp();
std::string sceneTagsHelp();
void addInfoCommand(CLI::App& app, Runner& run);
void addSampleCommand(CLI::App& app, Runner& run);
void addRenderCommand(CLI::App& app, Runner& run);
void addBenchCommand(CLI::App& app, Runner& run);
void addSceneCommand(CLI::App& app, Runner& run);
void addFieldCommand(CLI::App& app, Runner& run);
void addSweepCommand(CLI::App& app, Runner& run);
void addGuidanceCommand(CLI::App& app, Runner& run);
void addOtCommand(CLI::App& app, Runner& run);
void addAttentionCommand(CLI::App& app, Runner& run);
void addRfCommand(CLI::App& app, Runner& run);
void addTrainCommand(CLI::App& app, Runner& run);
void addFlowTrainCommand(CLI::App& app, Runner& run);
void addLogpCommand(CLI::App& app, Runner& run);
void addEstimateCommand(CLI::App& app, Runner& run);
void addCriticCommand(CLI::App& app, Runner& run);

}  // namespace flowscope::cli
