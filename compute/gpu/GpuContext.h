#pragma once
// GpuContext: the Vulkan instance/device/queue the compute kernels and render layers run on.
// It either creates its own device (CLI, tests, headless render) or adopts one that the
// application owns (Qt's QVulkanWindow) and then never destroys it.
#include <vulkan/vulkan.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowscope {

// Any Vulkan or device failure. The CLI maps it to exit code 3.
class GpuError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void vkCheck(VkResult result, const char* what);

struct GpuDeviceInfo {
  uint32_t index = 0;
  std::string name;
  std::string type;  // "discrete", "integrated", "virtual", "cpu", "other"
  uint32_t apiVersion = 0;
  uint32_t driverVersion = 0;
  uint32_t vendorId = 0;
};

std::string vulkanVersionString(uint32_t version);

// Orders devices discrete > integrated > virtual > cpu; FLOWSCOPE_DEVICE=<index|name substring>
// overrides. Returns the position in `devices`, or throws GpuError naming the request.
size_t chooseDevice(const std::vector<GpuDeviceInfo>& devices, const char* request);

// Where a debug messenger counts validation warnings and errors; must outlive its messenger.
struct ValidationSink {
  std::atomic<uint32_t> count{0};
  std::string last;
};

struct GpuContextOptions {
  bool validation = false;  // default: FLOWSCOPE_VALIDATE=1 in the environment
};

// What an application hands over when the context adopts its device.
struct AdoptedDevice {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physicalDevice = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
};

class GpuContext {
 public:
  // Creates instance and device. Throws GpuError when no Vulkan device exists.
  static GpuContext create(const GpuContextOptions& options = defaultOptions());
  // Adopts an application's device without owning it. The queue family must support compute.
  static GpuContext adopt(const AdoptedDevice& adopted);
  static GpuContextOptions defaultOptions();
  // All physical devices, or an empty list when there is no Vulkan at all.
  static std::vector<GpuDeviceInfo> enumerate();

  GpuContext(GpuContext&& other) noexcept;
  GpuContext& operator=(GpuContext&&) = delete;
  GpuContext(const GpuContext&) = delete;
  ~GpuContext();

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physicalDevice() const { return physicalDevice_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queueFamily() const { return queueFamily_; }
  const GpuDeviceInfo& info() const { return info_; }
  // The device is itself a CPU (lavapipe): the fast CPU paths beat its compute kernels.
  bool isCpu() const { return info_.type == "cpu"; }
  const VkPhysicalDeviceLimits& limits() const { return limits_; }
  bool ownsDevice() const { return ownsDevice_; }
  bool validationEnabled() const { return messenger_ != VK_NULL_HANDLE; }
  bool timestampsSupported() const { return timestampPeriodNs_ > 0.0; }
  double timestampPeriodNs() const { return timestampPeriodNs_; }

  // Validation messages of severity warning or error seen since creation (0 without a messenger).
  uint32_t validationMessageCount() const { return sink_->count.load(); }
  const std::string& lastValidationMessage() const { return sink_->last; }

  uint32_t findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags wanted) const;

  // Records `record` into a one-time command buffer, submits it with a fence and waits.
  void submitAndWait(const std::function<void(VkCommandBuffer)>& record) const;
  // Same, but also times the recorded commands with timestamp queries; returns milliseconds,
  // or a negative value when the queue has no timestamps.
  double submitTimed(const std::function<void(VkCommandBuffer)>& record) const;
  void waitIdle() const;

 private:
  GpuContext() = default;
  void finishSetup();

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physicalDevice_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queueFamily_ = 0;
  VkCommandPool commandPool_ = VK_NULL_HANDLE;
  VkQueryPool queryPool_ = VK_NULL_HANDLE;
  bool ownsDevice_ = false;
  bool ownsInstance_ = false;
  double timestampPeriodNs_ = 0.0;
  GpuDeviceInfo info_;
  VkPhysicalDeviceLimits limits_{};
  VkPhysicalDeviceMemoryProperties memoryProperties_{};
  // Heap-held so the messenger callback's user pointer survives moves of the context.
  std::unique_ptr<ValidationSink> sink_ = std::make_unique<ValidationSink>();
};

// Installs a debug messenger on an instance the application created (the GUI's QVulkanInstance)
// so its validation messages are counted too. Returns VK_NULL_HANDLE if the extension is absent.
VkDebugUtilsMessengerEXT installValidationCounter(VkInstance instance, ValidationSink* sink);
void removeValidationCounter(VkInstance instance, VkDebugUtilsMessengerEXT messenger);

}  // namespace flowscope
