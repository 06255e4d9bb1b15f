#pragma once
// ComputeKernel: a compute pipeline over storage buffers bound at set 0, bindings 0..n-1, with
// a push-constant block. Descriptor sets are made per combination of buffers and reused.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "GpuBuffer.h"

namespace flowscope {

class ComputeKernel {
 public:
  // `specialization`: values of the shader's constant_id 0, 1, ... (compiled into the pipeline).
  ComputeKernel(const GpuContext& ctx, std::span<const uint32_t> spirv, uint32_t bufferCount,
                uint32_t pushConstantBytes, uint32_t maxSets = 16,
                std::span<const uint32_t> specialization = {});
  ComputeKernel(const ComputeKernel&) = delete;
  ~ComputeKernel();

  // A descriptor set binding `buffers` in order. Valid until the kernel is destroyed.
  VkDescriptorSet makeSet(std::span<const GpuBuffer* const> buffers);
  // Returns a set to the pool; the GPU must be done with it.
  void freeSet(VkDescriptorSet set);
  // Binds pipeline and set, pushes constants and dispatches ceil(invocations / localSize) work
  // groups, as several rows when they exceed maxComputeWorkGroupCount[0] (dispatchGrid; the
  // shaders index through shaders/dispatch.glsl).
  void dispatch(VkCommandBuffer cmd, VkDescriptorSet set, const void* push, uint32_t invocations,
                uint32_t localSize) const;

 private:
  const GpuContext& ctx_;
  uint32_t bufferCount_;
  uint32_t pushBytes_;
  VkDescriptorSetLayout setLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
};

// The (x, y) work-group grid of a dispatch of `groups` groups: one row while it fits the
// device's maxComputeWorkGroupCount[0], else full rows (the last one partly past the count).
// Throws GpuError beyond maxComputeWorkGroupCount[0] x [1].
std::pair<uint32_t, uint32_t> dispatchGrid(uint32_t groups, const uint32_t maxCount[3]);

// Makes every earlier compute-shader write visible to later compute-shader reads and writes.
void computeBarrier(VkCommandBuffer cmd);

VkShaderModule createShaderModule(VkDevice device, std::span<const uint32_t> spirv);

// Storage-buffer descriptor helpers shared by compute kernels and graphics layers: a layout of
// `count` storage buffers at bindings 0..count-1 seen by `stages`, a pool for `maxSets` such sets
// (sets can be freed individually), and a set allocated and pointed at `buffers` in order.
VkDescriptorSetLayout createStorageSetLayout(VkDevice device, uint32_t count,
                                             VkShaderStageFlags stages);
VkDescriptorPool createStoragePool(VkDevice device, uint32_t count, uint32_t maxSets);
VkDescriptorSet allocateStorageSet(VkDevice device, VkDescriptorPool pool,
                                   VkDescriptorSetLayout layout,
                                   std::span<const GpuBuffer* const> buffers);

}  // namespace flowscope
