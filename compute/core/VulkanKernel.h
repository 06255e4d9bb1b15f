#pragma once
// One Vulkan kernel object a lab holds while its kernel family runs on Vulkan: made for the device
// the shell names when the backend choice puts the family there (runsOnVulkan), released when it
// does not or the device goes. place() says when what runs has changed, so the lab recomputes.
#include <memory>
#include <string>

#include "Backend.h"
#include "GpuContext.h"

namespace flowscope {

template <class Kernel>
class VulkanKernel {
 public:
  // The device (null: none) and the choice; true when the kernel was made or released.
  bool place(const GpuContext* device, BackendChoice choice) {
    device_ = device;
    const GpuContext* run = runsOnVulkan(choice, device) ? device : nullptr;
    if (run == running_) return false;
    kernel_.reset();
    running_ = run;
    deviceName_ = run ? run->info().name : "";
    if (run) kernel_ = std::make_unique<Kernel>(*run);
    return true;
  }
  // The same device with another choice.
  bool place(BackendChoice choice) { return place(device_, choice); }
  Kernel* get() const { return kernel_.get(); }
  Kernel* operator->() const { return kernel_.get(); }
  explicit operator bool() const { return kernel_ != nullptr; }
  const GpuContext* device() const { return device_; }  // the device named, whether used or not
  // "Vulkan (llvmpipe (LLVM 15.0.6, 256 bits))" while it runs, else "".
  std::string describe() const { return kernel_ ? "Vulkan (" + deviceName_ + ")" : ""; }

 private:
  const GpuContext* device_ = nullptr;
  const GpuContext* running_ = nullptr;
  std::unique_ptr<Kernel> kernel_;
  std::string deviceName_;
};

}  // namespace flowscope
