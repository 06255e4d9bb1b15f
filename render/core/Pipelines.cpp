#include "Pipelines.h"

#include "ComputeKernel.h"

namespace flowscope {

VkPipeline createGraphicsPipeline(VkDevice device, const GraphicsPipelineDesc& desc) {
  VkShaderModule vert = createShaderModule(device, desc.vertexSpirv);
  VkShaderModule frag = createShaderModule(device, desc.fragmentSpirv);
  VkPipelineShaderStageCreateInfo stages[2] = {
      {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO},
      {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO}};
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = vert;
  stages[0].pName = "main";
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = frag;
  stages[1].pName = "main";

  VkPipelineVertexInputStateCreateInfo vertexInput{
      VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  vertexInput.vertexBindingDescriptionCount = uint32_t(desc.bindings.size());
  vertexInput.pVertexBindingDescriptions = desc.bindings.data();
  vertexInput.vertexAttributeDescriptionCount = uint32_t(desc.attributes.size());
  vertexInput.pVertexAttributeDescriptions = desc.attributes.data();
  VkPipelineInputAssemblyStateCreateInfo assembly{
      VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = desc.topology;
  VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  viewport.viewportCount = 1;
  viewport.scissorCount = 1;
  VkPipelineRasterizationStateCreateInfo raster{
      VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = VK_CULL_MODE_NONE;
  raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  raster.lineWidth = 1.0f;
  VkPipelineMultisampleStateCreateInfo multisample{
      VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
  VkPipelineDepthStencilStateCreateInfo depth{
      VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  VkPipelineColorBlendAttachmentState blend{};
  blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                         VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
  if (desc.alphaBlend) {
    blend.blendEnable = VK_TRUE;
    blend.srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA;
    blend.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
    blend.colorBlendOp = VK_BLEND_OP_ADD;
    blend.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
    blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
    blend.alphaBlendOp = VK_BLEND_OP_ADD;
  }
  VkPipelineColorBlendStateCreateInfo blendState{
      VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  blendState.attachmentCount = 1;
  blendState.pAttachments = &blend;
  VkDynamicState dynamics[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dynamic.dynamicStateCount = 2;
  dynamic.pDynamicStates = dynamics;

  VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  info.stageCount = 2;
  info.pStages = stages;
  info.pVertexInputState = &vertexInput;
  info.pInputAssemblyState = &assembly;
  info.pViewportState = &viewport;
  info.pRasterizationState = &raster;
  info.pMultisampleState = &multisample;
  info.pDepthStencilState = &depth;
  info.pColorBlendState = &blendState;
  info.pDynamicState = &dynamic;
  info.layout = desc.layout;
  info.renderPass = desc.renderPass;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkResult result = vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, &pipeline);
  vkDestroyShaderModule(device, vert, nullptr);
  vkDestroyShaderModule(device, frag, nullptr);
  vkCheck(result, "vkCreateGraphicsPipelines");
  return pipeline;
}

VkPipeline createPulledPipeline(VkDevice device, std::span<const uint32_t> vert,
                                std::span<const uint32_t> frag, VkPrimitiveTopology topology,
                                VkPipelineLayout layout, VkRenderPass pass, bool alphaBlend) {
  GraphicsPipelineDesc desc;
  desc.vertexSpirv = vert;
  desc.fragmentSpirv = frag;
  desc.topology = topology;
  desc.layout = layout;
  desc.renderPass = pass;
  desc.alphaBlend = alphaBlend;
  return createGraphicsPipeline(device, desc);
}

GraphicsBindings::GraphicsBindings(VkDevice device, uint32_t bufferCount, uint32_t pushBytes,
                                   uint32_t maxSets)
    : device_(device), bufferCount_(bufferCount), pushBytes_(pushBytes) {
  const VkShaderStageFlags stages = VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT;
  setLayout_ = createStorageSetLayout(device, bufferCount, stages);
  VkPushConstantRange range{stages, 0, pushBytes};
  VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = bufferCount ? 1 : 0;
  layoutInfo.pSetLayouts = &setLayout_;
  layoutInfo.pushConstantRangeCount = pushBytes ? 1 : 0;
  layoutInfo.pPushConstantRanges = &range;
  vkCheck(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &layout_), "vkCreatePipelineLayout");
  if (bufferCount) pool_ = createStoragePool(device, bufferCount, maxSets);
}

GraphicsBindings::~GraphicsBindings() {
  if (pool_) vkDestroyDescriptorPool(device_, pool_, nullptr);
  vkDestroyPipelineLayout(device_, layout_, nullptr);
  vkDestroyDescriptorSetLayout(device_, setLayout_, nullptr);
}

VkDescriptorSet GraphicsBindings::makeSet(std::span<const GpuBuffer* const> buffers) {
  if (buffers.size() != bufferCount_)
    throw GpuError("GraphicsBindings::makeSet: wrong buffer count");
  return allocateStorageSet(device_, pool_, setLayout_, buffers);
}

void GraphicsBindings::freeSet(VkDescriptorSet set) {
  if (set != VK_NULL_HANDLE) vkFreeDescriptorSets(device_, pool_, 1, &set);
}

void GraphicsBindings::bind(VkCommandBuffer cmd, VkDescriptorSet set) const {
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, layout_, 0, 1, &set, 0, nullptr);
}

void GraphicsBindings::push(VkCommandBuffer cmd, const void* data) const {
  vkCmdPushConstants(cmd, layout_, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                     pushBytes_, data);
}

void setViewportAndScissor(VkCommandBuffer cmd, uint32_t x, uint32_t width, uint32_t height,
                           uint32_t y) {
  VkViewport vp{float(x), float(y), float(width), float(height), 0.0f, 1.0f};
  VkRect2D scissor{{int32_t(x), int32_t(y)}, {width, height}};
  vkCmdSetViewport(cmd, 0, 1, &vp);
  vkCmdSetScissor(cmd, 0, 1, &scissor);
}

GpuBuffer uploadColormap(const GpuContext& ctx, const std::vector<std::array<float, 4>>& lut) {
  GpuBuffer buffer(ctx, lut.size() * sizeof(lut[0]), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                   MemoryKind::HostVisible);
  buffer.upload(lut.data(), lut.size() * sizeof(lut[0]));
  return buffer;
}

}  // namespace flowscope
