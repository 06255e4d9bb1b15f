#include "GpuContext.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace flowscope {
namespace {

const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

VKAPI_ATTR VkBool32 VKAPI_CALL countMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                            VkDebugUtilsMessageTypeFlagsEXT,
                                            const VkDebugUtilsMessengerCallbackDataEXT* data,
                                            void* user) {
  if (severity < VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) return VK_FALSE;
  auto* sink = static_cast<ValidationSink*>(user);
  sink->count.fetch_add(1);
  sink->last = data->pMessage ? data->pMessage : "";
  std::fprintf(stderr, "[vulkan validation] %s\n", data->pMessage ? data->pMessage : "");
  return VK_FALSE;
}

VkDebugUtilsMessengerCreateInfoEXT messengerInfo(void* sink) {
  VkDebugUtilsMessengerCreateInfoEXT info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  info.pfnUserCallback = countMessage;
  info.pUserData = sink;
  return info;
}

bool layerAvailable(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) {
    return std::strcmp(l.layerName, name) == 0;
  });
}

const char* typeName(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "cpu";
    default:
      return "other";
  }
}

int typeRank(const std::string& type) {
  if (type == "discrete") return 0;
  if (type == "integrated") return 1;
  if (type == "virtual") return 2;
  if (type == "cpu") return 3;
  return 4;
}

GpuDeviceInfo describe(VkPhysicalDevice device, uint32_t index) {
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(device, &props);
  GpuDeviceInfo info;
  info.index = index;
  info.name = props.deviceName;
  info.type = typeName(props.deviceType);
  info.apiVersion = props.apiVersion;
  info.driverVersion = props.driverVersion;
  info.vendorId = props.vendorID;
  return info;
}

VkInstance createInstance(bool validation, void* sink) {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "flowscope";
  app.pEngineName = "flowscope";
  app.apiVersion = VK_API_VERSION_1_1;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  std::vector<const char*> layers, extensions;
  VkDebugUtilsMessengerCreateInfoEXT messenger = messengerInfo(sink);
  VkValidationFeatureEnableEXT enables[] = {
      VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = enables;
  if (validation) {
    if (!layerAvailable(kValidationLayer))
      throw GpuError(
          "FLOWSCOPE_VALIDATE=1 but VK_LAYER_KHRONOS_validation is not installed "
          "(Debian: vulkan-validationlayers)");
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    features.pNext = &messenger;
    info.pNext = &features;  // also reports messages from vkCreate/DestroyInstance
  }
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  VkInstance instance = VK_NULL_HANDLE;
  VkResult result = vkCreateInstance(&info, nullptr, &instance);
  if (result != VK_SUCCESS)
    throw GpuError("no Vulkan driver: vkCreateInstance failed (" + std::to_string(result) + ")");
  return instance;
}

std::vector<VkPhysicalDevice> physicalDevices(VkInstance instance) {
  uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  vkEnumeratePhysicalDevices(instance, &count, devices.data());
  return devices;
}

}  // namespace

void vkCheck(VkResult result, const char* what) {
  if (result != VK_SUCCESS)
    throw GpuError(std::string(what) + " failed with VkResult " + std::to_string(result));
}

std::string vulkanVersionString(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) +
         "." + std::to_string(VK_API_VERSION_PATCH(v));
}

size_t chooseDevice(const std::vector<GpuDeviceInfo>& devices, const char* request) {
  if (devices.empty()) throw GpuError("no Vulkan device found");
  if (request && *request) {
    std::string want = request;
    bool numeric =
        std::all_of(want.begin(), want.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) {
      size_t index = std::stoul(want);
      if (index < devices.size()) return index;
      throw GpuError("FLOWSCOPE_DEVICE=" + want + ": there are only " +
                     std::to_string(devices.size()) + " devices");
    }
    for (size_t i = 0; i < devices.size(); ++i)
      if (devices[i].name.find(want) != std::string::npos) return i;
    throw GpuError("FLOWSCOPE_DEVICE=" + want + ": no device name contains it");
  }
  size_t best = 0;
  for (size_t i = 1; i < devices.size(); ++i)
    if (typeRank(devices[i].type) < typeRank(devices[best].type)) best = i;
  return best;
}

GpuContextOptions GpuContext::defaultOptions() {
  GpuContextOptions options;
  const char* validate = std::getenv("FLOWSCOPE_VALIDATE");
  options.validation = validate && std::strcmp(validate, "0") != 0 && *validate;
  return options;
}

std::vector<GpuDeviceInfo> GpuContext::enumerate() {
  VkInstance instance = VK_NULL_HANDLE;
  try {
    instance = createInstance(false, nullptr);
  } catch (const GpuError&) {
    return {};
  }
  std::vector<GpuDeviceInfo> out;
  auto devices = physicalDevices(instance);
  for (uint32_t i = 0; i < devices.size(); ++i) out.push_back(describe(devices[i], i));
  vkDestroyInstance(instance, nullptr);
  return out;
}

GpuContext GpuContext::create(const GpuContextOptions& options) {
  GpuContext ctx;
  ctx.ownsInstance_ = true;
  ctx.ownsDevice_ = true;
  ValidationSink* sink = ctx.sink_.get();
  ctx.instance_ = createInstance(options.validation, sink);
  if (options.validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(ctx.instance_, "vkCreateDebugUtilsMessengerEXT"));
    VkDebugUtilsMessengerCreateInfoEXT info = messengerInfo(sink);
    vkCheck(create(ctx.instance_, &info, nullptr, &ctx.messenger_),
            "vkCreateDebugUtilsMessengerEXT");
  }
  auto devices = physicalDevices(ctx.instance_);
  std::vector<GpuDeviceInfo> infos;
  for (uint32_t i = 0; i < devices.size(); ++i) infos.push_back(describe(devices[i], i));
  size_t chosen = chooseDevice(infos, std::getenv("FLOWSCOPE_DEVICE"));
  ctx.physicalDevice_ = devices[chosen];
  ctx.info_ = infos[chosen];

  uint32_t familyCount = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(ctx.physicalDevice_, &familyCount, nullptr);
  std::vector<VkQueueFamilyProperties> families(familyCount);
  vkGetPhysicalDeviceQueueFamilyProperties(ctx.physicalDevice_, &familyCount, families.data());
  // Headless rendering and compute share one queue: pick a family with both.
  const VkQueueFlags need = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
  auto family =
      std::find_if(families.begin(), families.end(),
                   [&](const VkQueueFamilyProperties& f) { return (f.queueFlags & need) == need; });
  if (family == families.end()) throw GpuError(ctx.info_.name + " has no graphics+compute queue");
  ctx.queueFamily_ = static_cast<uint32_t>(family - families.begin());

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = ctx.queueFamily_;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  VkPhysicalDeviceFeatures supported{}, enabled{};
  vkGetPhysicalDeviceFeatures(ctx.physicalDevice_, &supported);
  enabled.largePoints = supported.largePoints;
  VkDeviceCreateInfo deviceInfo{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  deviceInfo.queueCreateInfoCount = 1;
  deviceInfo.pQueueCreateInfos = &queueInfo;
  deviceInfo.pEnabledFeatures = &enabled;
  vkCheck(vkCreateDevice(ctx.physicalDevice_, &deviceInfo, nullptr, &ctx.device_),
          "vkCreateDevice");
  vkGetDeviceQueue(ctx.device_, ctx.queueFamily_, 0, &ctx.queue_);
  ctx.finishSetup();
  return ctx;
}

GpuContext GpuContext::adopt(const AdoptedDevice& adopted) {
  GpuContext ctx;
  ctx.instance_ = adopted.instance;
  ctx.physicalDevice_ = adopted.physicalDevice;
  ctx.device_ = adopted.device;
  ctx.queue_ = adopted.queue;
  ctx.queueFamily_ = adopted.queueFamily;
  ctx.info_ = describe(adopted.physicalDevice, 0);
  uint32_t familyCount = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(ctx.physicalDevice_, &familyCount, nullptr);
  std::vector<VkQueueFamilyProperties> families(familyCount);
  vkGetPhysicalDeviceQueueFamilyProperties(ctx.physicalDevice_, &familyCount, families.data());
  if (adopted.queueFamily >= familyCount ||
      !(families[adopted.queueFamily].queueFlags & VK_QUEUE_COMPUTE_BIT))
    throw GpuError("the application's queue family has no compute support");
  ctx.finishSetup();
  return ctx;
}

void GpuContext::finishSetup() {
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physicalDevice_, &props);
  limits_ = props.limits;
  vkGetPhysicalDeviceMemoryProperties(physicalDevice_, &memoryProperties_);
  uint32_t familyCount = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physicalDevice_, &familyCount, nullptr);
  std::vector<VkQueueFamilyProperties> families(familyCount);
  vkGetPhysicalDeviceQueueFamilyProperties(physicalDevice_, &familyCount, families.data());
  if (families[queueFamily_].timestampValidBits > 0 && limits_.timestampPeriod > 0)
    timestampPeriodNs_ = limits_.timestampPeriod;

  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.flags =
      VK_COMMAND_POOL_CREATE_TRANSIENT_BIT | VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  poolInfo.queueFamilyIndex = queueFamily_;
  vkCheck(vkCreateCommandPool(device_, &poolInfo, nullptr, &commandPool_), "vkCreateCommandPool");
  if (timestampsSupported()) {
    VkQueryPoolCreateInfo queryInfo{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
    queryInfo.queryCount = 2;
    vkCheck(vkCreateQueryPool(device_, &queryInfo, nullptr, &queryPool_), "vkCreateQueryPool");
  }
}

GpuContext::GpuContext(GpuContext&& o) noexcept
    : instance_(o.instance_),
      messenger_(o.messenger_),
      physicalDevice_(o.physicalDevice_),
      device_(o.device_),
      queue_(o.queue_),
      queueFamily_(o.queueFamily_),
      commandPool_(o.commandPool_),
      queryPool_(o.queryPool_),
      ownsDevice_(o.ownsDevice_),
      ownsInstance_(o.ownsInstance_),
      timestampPeriodNs_(o.timestampPeriodNs_),
      info_(o.info_),
      limits_(o.limits_),
      memoryProperties_(o.memoryProperties_),
      sink_(std::move(o.sink_)) {
  o.instance_ = VK_NULL_HANDLE;
  o.messenger_ = VK_NULL_HANDLE;
  o.device_ = VK_NULL_HANDLE;
  o.commandPool_ = VK_NULL_HANDLE;
  o.queryPool_ = VK_NULL_HANDLE;
  o.ownsDevice_ = o.ownsInstance_ = false;
}

GpuContext::~GpuContext() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    if (queryPool_) vkDestroyQueryPool(device_, queryPool_, nullptr);
    if (commandPool_) vkDestroyCommandPool(device_, commandPool_, nullptr);
    if (ownsDevice_) vkDestroyDevice(device_, nullptr);
  }
  if (ownsInstance_ && instance_ != VK_NULL_HANDLE) {
    if (messenger_) removeValidationCounter(instance_, messenger_);
    vkDestroyInstance(instance_, nullptr);
  }
}

uint32_t GpuContext::findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags wanted) const {
  for (uint32_t i = 0; i < memoryProperties_.memoryTypeCount; ++i)
    if ((typeBits & (1u << i)) &&
        (memoryProperties_.memoryTypes[i].propertyFlags & wanted) == wanted)
      return i;
  throw GpuError("no memory type with the requested properties");
}

void GpuContext::submitAndWait(const std::function<void(VkCommandBuffer)>& record) const {
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = commandPool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkCommandBuffer cmd;
  vkCheck(vkAllocateCommandBuffers(device_, &alloc, &cmd), "vkAllocateCommandBuffers");
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  vkBeginCommandBuffer(cmd, &begin);
  try {
    record(cmd);
  } catch (...) {  // nothing was submitted: the buffer goes back to the pool unrun
    vkFreeCommandBuffers(device_, commandPool_, 1, &cmd);
    throw;
  }
  vkCheck(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VkFence fence;
  vkCheck(vkCreateFence(device_, &fenceInfo, nullptr, &fence), "vkCreateFence");
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  VkResult result = vkQueueSubmit(queue_, 1, &submit, fence);
  if (result == VK_SUCCESS) result = vkWaitForFences(device_, 1, &fence, VK_TRUE, UINT64_MAX);
  vkDestroyFence(device_, fence, nullptr);
  vkFreeCommandBuffers(device_, commandPool_, 1, &cmd);
  vkCheck(result, "vkQueueSubmit/vkWaitForFences");
}

double GpuContext::submitTimed(const std::function<void(VkCommandBuffer)>& record) const {
  if (!timestampsSupported()) {
    submitAndWait(record);
    return -1.0;
  }
  submitAndWait([&](VkCommandBuffer cmd) {
    vkCmdResetQueryPool(cmd, queryPool_, 0, 2);
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queryPool_, 0);
    record(cmd);
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queryPool_, 1);
  });
  uint64_t stamps[2] = {0, 0};
  vkCheck(vkGetQueryPoolResults(device_, queryPool_, 0, 2, sizeof(stamps), stamps, sizeof(uint64_t),
                                VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
          "vkGetQueryPoolResults");
  return double(stamps[1] - stamps[0]) * timestampPeriodNs_ * 1e-6;
}

void GpuContext::waitIdle() const {
  vkDeviceWaitIdle(device_);
}

VkDebugUtilsMessengerEXT installValidationCounter(VkInstance instance, ValidationSink* sink) {
  auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
      vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
  if (!create) return VK_NULL_HANDLE;
  VkDebugUtilsMessengerCreateInfoEXT info = messengerInfo(sink);
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  if (create(instance, &info, nullptr, &messenger) != VK_SUCCESS) return VK_NULL_HANDLE;
  return messenger;
}

void removeValidationCounter(VkInstance instance, VkDebugUtilsMessengerEXT messenger) {
  auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
      vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
  if (destroy && messenger) destroy(instance, messenger, nullptr);
}

}  // namespace flowscope
