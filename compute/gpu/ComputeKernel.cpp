#include "ComputeKernel.h"

namespace flowscope {

VkShaderModule createShaderModule(VkDevice device, std::span<const uint32_t> spirv) {
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = spirv.size_bytes();
  info.pCode = spirv.data();
  VkShaderModule module;
  vkCheck(vkCreateShaderModule(device, &info, nullptr, &module), "vkCreateShaderModule");
  return module;
}

VkDescriptorSetLayout createStorageSetLayout(VkDevice device, uint32_t count,
                                             VkShaderStageFlags stages) {
  std::vector<VkDescriptorSetLayoutBinding> bindings(count);
  for (uint32_t i = 0; i < count; ++i)
    bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, stages, nullptr};
  VkDescriptorSetLayoutCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  info.bindingCount = count;
  info.pBindings = bindings.data();
  VkDescriptorSetLayout layout;
  vkCheck(vkCreateDescriptorSetLayout(device, &info, nullptr, &layout),
          "vkCreateDescriptorSetLayout");
  return layout;
}

VkDescriptorPool createStoragePool(VkDevice device, uint32_t count, uint32_t maxSets) {
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, count * maxSets};
  VkDescriptorPoolCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  info.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  info.maxSets = maxSets;
  info.poolSizeCount = 1;
  info.pPoolSizes = &size;
  VkDescriptorPool pool;
  vkCheck(vkCreateDescriptorPool(device, &info, nullptr, &pool), "vkCreateDescriptorPool");
  return pool;
}

VkDescriptorSet allocateStorageSet(VkDevice device, VkDescriptorPool pool,
                                   VkDescriptorSetLayout layout,
                                   std::span<const GpuBuffer* const> buffers) {
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = pool;
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &layout;
  VkDescriptorSet set;
  vkCheck(vkAllocateDescriptorSets(device, &alloc, &set), "vkAllocateDescriptorSets");
  std::vector<VkDescriptorBufferInfo> infos(buffers.size());
  std::vector<VkWriteDescriptorSet> writes(buffers.size());
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    infos[i] = {buffers[i]->handle(), 0, VK_WHOLE_SIZE};
    writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(device, uint32_t(writes.size()), writes.data(), 0, nullptr);
  return set;
}

ComputeKernel::ComputeKernel(const GpuContext& ctx, std::span<const uint32_t> spirv,
                             uint32_t bufferCount, uint32_t pushConstantBytes, uint32_t maxSets,
                             std::span<const uint32_t> specialization)
    : ctx_(ctx), bufferCount_(bufferCount), pushBytes_(pushConstantBytes) {
  VkDevice device = ctx.device();
  setLayout_ = createStorageSetLayout(device, bufferCount, VK_SHADER_STAGE_COMPUTE_BIT);

  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, pushConstantBytes};
  VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &setLayout_;
  layoutInfo.pushConstantRangeCount = pushConstantBytes ? 1 : 0;
  layoutInfo.pPushConstantRanges = &range;
  vkCheck(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &layout_), "vkCreatePipelineLayout");

  VkShaderModule module = createShaderModule(device, spirv);
  VkComputePipelineCreateInfo pipeInfo{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  pipeInfo.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  pipeInfo.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  pipeInfo.stage.module = module;
  pipeInfo.stage.pName = "main";
  std::vector<VkSpecializationMapEntry> entries;
  for (uint32_t k = 0; k < specialization.size(); ++k)
    entries.push_back({k, uint32_t(k * sizeof(uint32_t)), sizeof(uint32_t)});
  VkSpecializationInfo spec{uint32_t(entries.size()), entries.data(), specialization.size_bytes(),
                            specialization.data()};
  if (!specialization.empty()) pipeInfo.stage.pSpecializationInfo = &spec;
  pipeInfo.layout = layout_;
  VkResult result =
      vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pipeInfo, nullptr, &pipeline_);
  vkDestroyShaderModule(device, module, nullptr);
  vkCheck(result, "vkCreateComputePipelines");

  pool_ = createStoragePool(device, bufferCount, maxSets);
}

ComputeKernel::~ComputeKernel() {
  VkDevice device = ctx_.device();
  vkDestroyDescriptorPool(device, pool_, nullptr);
  vkDestroyPipeline(device, pipeline_, nullptr);
  vkDestroyPipelineLayout(device, layout_, nullptr);
  vkDestroyDescriptorSetLayout(device, setLayout_, nullptr);
}

VkDescriptorSet ComputeKernel::makeSet(std::span<const GpuBuffer* const> buffers) {
  if (buffers.size() != bufferCount_) throw GpuError("ComputeKernel::makeSet: wrong buffer count");
  return allocateStorageSet(ctx_.device(), pool_, setLayout_, buffers);
}

void ComputeKernel::freeSet(VkDescriptorSet set) {
  if (set != VK_NULL_HANDLE) vkFreeDescriptorSets(ctx_.device(), pool_, 1, &set);
}

void ComputeKernel::dispatch(VkCommandBuffer cmd, VkDescriptorSet set, const void* push,
                             uint32_t invocations, uint32_t localSize) const {
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout_, 0, 1, &set, 0, nullptr);
  if (pushBytes_)
    vkCmdPushConstants(cmd, layout_, VK_SHADER_STAGE_COMPUTE_BIT, 0, pushBytes_, push);
  if (!invocations) return;
  const auto [x, y] = dispatchGrid((invocations + localSize - 1) / localSize,
                                   ctx_.limits().maxComputeWorkGroupCount);
  vkCmdDispatch(cmd, x, y, 1);
}

std::pair<uint32_t, uint32_t> dispatchGrid(uint32_t groups, const uint32_t maxCount[3]) {
  if (groups <= maxCount[0]) return {groups, 1};
  const uint32_t rows = (groups + maxCount[0] - 1) / maxCount[0];
  if (rows > maxCount[1])
    throw GpuError("a dispatch of " + std::to_string(groups) +
                   " work groups exceeds this device's maxComputeWorkGroupCount");
  return {maxCount[0], rows};
}

void computeBarrier(VkCommandBuffer cmd) {
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                       VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, nullptr, 0,
                       nullptr);
}

}  // namespace flowscope
