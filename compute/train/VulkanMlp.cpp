#include "VulkanMlp.h"

#include <algorithm>
#include <array>

#include "InputError.h"

namespace flowscope {
namespace {

const uint32_t kForwardSpirv[] =
#include "mlp_forward.comp.spv.inc"
    ;
const uint32_t kBackwardSpirv[] =
#include "mlp_backward.comp.spv.inc"
    ;
const uint32_t kWeightGradSpirv[] =
#include "mlp_weight_grad.comp.spv.inc"
    ;

constexpr uint32_t kBindings = 9;  // mlp.glsl
constexpr uint32_t kLocalSize = 64;
constexpr uint32_t kMaxRows = 16;

// Rows a work group: the backward kernel keeps three kRows x widest tiles in shared memory.
uint32_t rowsFor(const GpuContext& gpu, uint32_t widest) {
  const uint32_t rows = gpu.limits().maxComputeSharedMemorySize / (3u * widest * 4u);
  if (rows == 0)
    throw GpuError("the Vulkan MLP needs " + std::to_string(3 * widest * 4) +
                   " bytes of shared memory a work group; this device has " +
                   std::to_string(gpu.limits().maxComputeSharedMemorySize));
  return std::min(rows, kMaxRows);
}

GpuBuffer storage(const GpuContext& gpu, size_t floats) {
  return GpuBuffer(gpu, std::max<size_t>(1, floats) * sizeof(float), kStorageUsage,
                   MemoryKind::DeviceLocal);
}

}  // namespace

struct VulkanMlp::Buffers {
  GpuBuffer params, inputs, pre, post, outputs, dy, dz, dx, grad;
  VkDescriptorSet forward = VK_NULL_HANDLE, backward = VK_NULL_HANDLE, weightGrad = VK_NULL_HANDLE;
};

VulkanMlp::VulkanMlp(const MlpSpec& spec, const GpuContext& gpu)
    : spec_((validate(spec), spec)),
      layout_(layoutOf(spec)),
      embedding_(spec.embedding),
      gpu_(&gpu),
      widest_(uint32_t(std::max({spec.firstInputs(), spec.width, spec.outputs}))) {
  rows_ = rowsFor(gpu, widest_);
  const std::array<uint32_t, 2> constants{rows_, widest_};
  forward_ =
      std::make_unique<ComputeKernel>(gpu, kForwardSpirv, kBindings, sizeof(MlpPush), 1, constants);
  backward_ = std::make_unique<ComputeKernel>(gpu, kBackwardSpirv, kBindings, sizeof(MlpPush), 1,
                                              constants);
  weightGrad_ =
      std::make_unique<ComputeKernel>(gpu, kWeightGradSpirv, kBindings, sizeof(MlpPush), 1);
}

VulkanMlp::VulkanMlp(VulkanMlp&&) noexcept = default;
VulkanMlp::~VulkanMlp() {
  freeSets();
}

// The sets go back to their kernels' pools before their buffers go.
void VulkanMlp::freeSets() {
  if (!buffers_) return;
  forward_->freeSet(buffers_->forward);
  backward_->freeSet(buffers_->backward);
  weightGrad_->freeSet(buffers_->weightGrad);
}

// Buffers for `batch` rows (kept while the batch does not grow) and their sets.
void VulkanMlp::reserve(size_t batch) {
  batch_ = batch;
  if (buffers_ && buffers_->inputs.size() >= batch * size_t(spec_.firstInputs()) * sizeof(float))
    return;
  freeSets();
  uploaded_.clear();  // new buffers hold no parameters yet
  const size_t hidden = size_t(spec_.depth) * batch * size_t(spec_.width);
  buffers_ = std::make_unique<Buffers>(Buffers{
      storage(*gpu_, layout_.count), storage(*gpu_, batch * size_t(spec_.firstInputs())),
      storage(*gpu_, hidden), storage(*gpu_, hidden), storage(*gpu_, batch * size_t(spec_.outputs)),
      storage(*gpu_, batch * size_t(spec_.outputs)), storage(*gpu_, hidden),
      storage(*gpu_, batch * size_t(spec_.inputs)), storage(*gpu_, layout_.count)});
  Buffers& b = *buffers_;
  const GpuBuffer* all[] = {&b.params, &b.inputs, &b.pre, &b.post, &b.outputs,
                            &b.dy,     &b.dz,     &b.dx,  &b.grad};
  b.forward = forward_->makeSet(all);
  b.backward = backward_->makeSet(all);
  b.weightGrad = weightGrad_->makeSet(all);
}

// The parameters onto the device unless they are there already (backward after forward).
void VulkanMlp::uploadParams(std::span<const float> params) {
  if (std::equal(params.begin(), params.end(), uploaded_.begin(), uploaded_.end())) return;
  buffers_->params.upload(params);
  uploaded_.assign(params.begin(), params.end());
}

MlpPush VulkanMlp::push(bool keep) const {
  return {uint32_t(batch_),           uint32_t(spec_.firstInputs()), uint32_t(spec_.inputs),
          uint32_t(spec_.outputs),    uint32_t(spec_.width),         uint32_t(spec_.depth),
          uint32_t(spec_.activation), spec_.residual ? 1u : 0u,      keep ? 1u : 0u,
          uint32_t(layout_.count)};
}

std::vector<float> VulkanMlp::forward(std::span<const float> params, std::span<const float> x,
                                      std::span<const float> c, std::span<const int> labels) {
  if (params.size() != layout_.count)
    throw InputError("parameters: expected " + std::to_string(layout_.count) + " values");
  const std::vector<float> first =
      embedding_.firstLayerInputs(x, c, spec_.inputs, labels, spec_.classes);
  reserve(x.size() / size_t(spec_.inputs));
  if (batch_ == 0) return {};
  uploadParams(params);
  buffers_->inputs.upload(std::span<const float>(first));
  const MlpPush p = push(true);
  const uint32_t groups = uint32_t((batch_ + rows_ - 1) / rows_);
  gpu_->submitAndWait([&](VkCommandBuffer cmd) {
    forward_->dispatch(cmd, buffers_->forward, &p, groups * kLocalSize, kLocalSize);
  });
  return buffers_->outputs.read<float>(batch_ * size_t(spec_.outputs));
}

std::vector<float> VulkanMlp::backward(std::span<const float> params, std::span<const float> dy,
                                       std::span<float> grad) {
  if (params.size() != layout_.count || grad.size() != layout_.count)
    throw InputError("parameters: expected " + std::to_string(layout_.count) + " values");
  if (dy.size() != batch_ * size_t(spec_.outputs))
    throw InputError("dL/dy: expected the last forward's batch x outputs values");
  if (batch_ == 0) return {};
  uploadParams(params);
  buffers_->dy.upload(dy);
  const MlpPush p = push(true);
  const uint32_t groups = uint32_t((batch_ + rows_ - 1) / rows_);
  gpu_->submitAndWait([&](VkCommandBuffer cmd) {
    backward_->dispatch(cmd, buffers_->backward, &p, groups * kLocalSize, kLocalSize);
    computeBarrier(cmd);
    weightGrad_->dispatch(cmd, buffers_->weightGrad, &p, p.count, kLocalSize);
  });
  const std::vector<float> g = buffers_->grad.read<float>(layout_.count);
  for (size_t k = 0; k < g.size(); ++k) grad[k] += g[k];
  return buffers_->dx.read<float>(batch_ * size_t(spec_.inputs));
}

}  // namespace flowscope
