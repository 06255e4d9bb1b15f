#include "CliCommon.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

namespace flowscope::cli {

std::string asFlagMessage(const std::string& what) {
  static const std::map<std::string, std::string> flags = {{"learning rate", "lr"},
                                                           {"warm-up steps", "warmup"},
                                                           {"total steps", "steps"},
                                                           {"EMA decay", "ema"},
                                                           {"flow specification", "flow"}};
  const size_t colon = std::min(what.find(':'), what.size());
  std::string field = what.substr(0, colon);
  const auto named = flags.find(field);
  if (named != flags.end())
    field = named->second;
  else
    std::replace(field.begin(), field.end(), ' ', '-');
  return "--" + field + what.substr(colon);
}

std::string cpuDescription() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model = "CPU";
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  return model + " (" + std::to_string(std::thread::hardware_concurrency()) + " threads)";
}

std::string Backend::device() const {
  return gpu ? gpu->info().name : cpuDescription();
}

Backend openBackend(const std::string& requested) {
  Backend backend;
  if (requested == "cpu") return backend;
  try {
    backend.gpu = std::make_unique<GpuContext>(GpuContext::create());
  } catch (const GpuError& e) {
    std::cerr << "flowscope-cli: warning: no usable Vulkan device (" << e.what()
              << "); falling back to the CPU backend\n";
  }
  return backend;
}

std::string KernelBackend::name() const {
  return kind == Kind::Gpu ? "gpu" : kind == Kind::FastCpu ? "cpu" : "reference";
}

KernelBackend openKernelBackend(const std::string& requested) {
  KernelBackend b;
  if (requested == "reference") {
    b.kind = KernelBackend::Kind::Reference;
    return b;
  }
  if (requested == "cpu") return b;
  b.gpu = openBackend("gpu").gpu;
  if (b.gpu && (requested == "gpu" || !b.gpu->isCpu()))
    b.kind = KernelBackend::Kind::Gpu;
  else
    b.gpu.reset();  // auto on a CPU device: the fast CPU path
  return b;
}

CLI::Option* addKernelBackendOption(CLI::App& cmd, std::string& backend,
                                    const std::string& cpuPath) {
  return cmd
      .add_option("--backend", backend,
                  "auto: Vulkan compute on a GPU, the CPU path where the Vulkan device is a CPU "
                  "(lavapipe: several times faster there) or there is none; gpu: Vulkan compute "
                  "(device chosen discrete > integrated > CPU, or by FLOWSCOPE_DEVICE; falls "
                  "back to cpu with a warning without one); cpu: " +
                      cpuPath +
                      "; reference: the double-precision CPU reference. --json's \"backend\" "
                      "says which ran, \"compute\" how")
      ->check(CLI::IsMember({"auto", "gpu", "cpu", "reference"}))
      ->capture_default_str();
}

std::unique_ptr<GpuContext> requireGpu() {
  return std::make_unique<GpuContext>(GpuContext::create());
}

CLI::Option* addBackendOption(CLI::App& cmd, std::string& backend) {
  return cmd
      .add_option(
          "--backend", backend,
          "gpu: Vulkan compute (device chosen discrete > integrated > CPU, or by "
          "FLOWSCOPE_DEVICE=<index|name substring>); cpu: the double-precision CPU twin. "
          "gpu falls back to cpu with a warning when no Vulkan device exists. Unset, a learned "
          "model runs on cpu where the Vulkan device is itself a CPU (lavapipe), where "
          "the CPU twin is the faster")
      ->check(CLI::IsMember({"gpu", "cpu"}))
      ->capture_default_str();
}

}  // namespace flowscope::cli
