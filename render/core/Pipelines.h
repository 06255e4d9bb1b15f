#pragma once
// Stateless helpers that build the graphics objects every layer needs.
#include <vulkan/vulkan.h>

#include <array>
#include <span>
#include <vector>

#include "GpuBuffer.h"
#include "ShaderLayout.h"

namespace flowscope {

struct GraphicsPipelineDesc {
  std::span<const uint32_t> vertexSpirv;
  std::span<const uint32_t> fragmentSpirv;
  VkPrimitiveTopology topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  std::vector<VkVertexInputBindingDescription> bindings;
  std::vector<VkVertexInputAttributeDescription> attributes;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkRenderPass renderPass = VK_NULL_HANDLE;
  bool alphaBlend = true;
};

// Viewport and scissor are dynamic; depth test off (Qt's default pass has a depth attachment,
// the offscreen pass has none; both accept this state).
VkPipeline createGraphicsPipeline(VkDevice device, const GraphicsPipelineDesc& desc);
// The common case: no vertex buffers (the vertex shader pulls from storage buffers).
VkPipeline createPulledPipeline(VkDevice device, std::span<const uint32_t> vert,
                                std::span<const uint32_t> frag, VkPrimitiveTopology topology,
                                VkPipelineLayout layout, VkRenderPass pass, bool alphaBlend = true);

// Storage buffers at set 0, bindings 0..n-1, read by the vertex and fragment stages, plus one
// push-constant range for both stages. Owns its layouts and a descriptor pool.
class GraphicsBindings {
 public:
  GraphicsBindings(VkDevice device, uint32_t bufferCount, uint32_t pushBytes, uint32_t maxSets = 8);
  GraphicsBindings(const GraphicsBindings&) = delete;
  ~GraphicsBindings();
  VkPipelineLayout layout() const { return layout_; }
  VkDescriptorSet makeSet(std::span<const GpuBuffer* const> buffers);
  void freeSet(VkDescriptorSet set);
  void bind(VkCommandBuffer cmd, VkDescriptorSet set) const;
  void push(VkCommandBuffer cmd, const void* data) const;

 private:
  VkDevice device_;
  uint32_t bufferCount_, pushBytes_;
  VkDescriptorSetLayout setLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
};

// A colormap (256 RGBA entries, loadColormap) in a host-visible storage buffer.
GpuBuffer uploadColormap(const GpuContext& ctx, const std::vector<std::array<float, 4>>& lut);

// Push constants of heatmap.vert/frag and matrix.vert/frag (the same layout for both).
struct HeatmapPush {
  uint32_t nx, ny;                        // nodes (heatmap) or columns, rows (matrix)
  float vmin, vmax, opacity, cellPixels;  // cellPixels: unused by the matrix shaders
  float viewportSize[2];
};
FLOWSCOPE_SHADER_SIZE(HeatmapPush, 32);  // = heatmap.vert
FLOWSCOPE_SHADER_OFFSET(HeatmapPush, nx, 0);
FLOWSCOPE_SHADER_OFFSET(HeatmapPush, ny, 4);
FLOWSCOPE_SHADER_OFFSET(HeatmapPush, vmin, 8);
FLOWSCOPE_SHADER_OFFSET(HeatmapPush, vmax, 12);
FLOWSCOPE_SHADER_OFFSET(HeatmapPush, opacity, 16);
FLOWSCOPE_SHADER_OFFSET(HeatmapPush, cellPixels, 20);
FLOWSCOPE_SHADER_OFFSET(HeatmapPush, viewportSize, 24);

void setViewportAndScissor(VkCommandBuffer cmd, uint32_t x, uint32_t width, uint32_t height,
                           uint32_t y = 0);

}  // namespace flowscope
