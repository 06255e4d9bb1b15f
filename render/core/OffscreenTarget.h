#pragma once
// OffscreenTarget: a colour image with its own render pass and framebuffer, rendered and read
// back with no window, surface or X server (Sascha Willems' renderheadless pattern).
#include <vulkan/vulkan.h>

#include <glm/glm.hpp>

#include <cstdint>
#include <functional>
#include <vector>

#include "GpuBuffer.h"

namespace flowscope {

class OffscreenTarget {
 public:
  static constexpr VkFormat kFormat = VK_FORMAT_R8G8B8A8_UNORM;

  OffscreenTarget(const GpuContext& ctx, uint32_t width, uint32_t height);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;

  VkRenderPass renderPass() const { return renderPass_; }
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }

  // Records `beforePass` (compute), then the render pass cleared to clear() (asked after
  // beforePass) with `inPass`, then the copy to host memory; submits, waits and returns tightly
  // packed RGBA8 rows, top first.
  std::vector<uint8_t> render(const std::function<void(VkCommandBuffer)>& beforePass,
                              const std::function<void(VkCommandBuffer)>& inPass,
                              const std::function<glm::vec4()>& clear);

 private:
  const GpuContext& ctx_;
  uint32_t width_, height_;
  VkImage image_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
  VkRenderPass renderPass_ = VK_NULL_HANDLE;
  VkFramebuffer framebuffer_ = VK_NULL_HANDLE;
  GpuBuffer readback_;
};

}  // namespace flowscope
