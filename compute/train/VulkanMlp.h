#pragma once
// The training engine's Vulkan backend: the same network and parameter layout as ReferenceMlp
// (MlpSpec.h, MlpLayout) in float32, on the GPU. Fully fused in the spirit of tiny-cuda-nn: one
// dispatch runs the whole forward pass for tiles of rows whose activations stay in shared memory
// (shaders/train/mlp_forward.comp), one the whole backward pass through the data
// (mlp_backward.comp), and one sums every parameter's gradient over the batch in row order
// (mlp_weight_grad.comp, so a step's gradient is the same bits every run). The host uploads the
// parameters and the first layer's inputs (x and the level's embedding), and reads back y, the
// gradient and dL/dx; the optimiser runs on the host (AdamT<float>). Tested against the double
// reference. The backend for a Vulkan device that is a GPU; on a CPU device (lavapipe) the fast
// CPU backend is faster.
#include <memory>
#include <span>
#include <vector>

#include "ComputeKernel.h"
#include "Embedding.h"
#include "MlpSpec.h"
#include "ReferenceMlp.h"
#include "ShaderLayout.h"

namespace flowscope {

// std430 push constants of shaders/train/mlp.glsl.
struct MlpPush {
  uint32_t batch, in0, xInputs, outputs;
  uint32_t width, depth, activation, residual;
  uint32_t keep, count;
};
FLOWSCOPE_SHADER_SIZE(MlpPush, 40);  // = mlp.glsl
FLOWSCOPE_SHADER_OFFSET(MlpPush, batch, 0);
FLOWSCOPE_SHADER_OFFSET(MlpPush, in0, 4);
FLOWSCOPE_SHADER_OFFSET(MlpPush, xInputs, 8);
FLOWSCOPE_SHADER_OFFSET(MlpPush, outputs, 12);
FLOWSCOPE_SHADER_OFFSET(MlpPush, width, 16);
FLOWSCOPE_SHADER_OFFSET(MlpPush, depth, 20);
FLOWSCOPE_SHADER_OFFSET(MlpPush, activation, 24);
FLOWSCOPE_SHADER_OFFSET(MlpPush, residual, 28);
FLOWSCOPE_SHADER_OFFSET(MlpPush, keep, 32);
FLOWSCOPE_SHADER_OFFSET(MlpPush, count, 36);

class VulkanMlp {
 public:
  // InputError from validate(spec); GpuError when the device's shared memory cannot hold one
  // row of the widest layer three times.
  VulkanMlp(const MlpSpec& spec, const GpuContext& gpu);
  VulkanMlp(VulkanMlp&&) noexcept;
  ~VulkanMlp();
  const MlpSpec& spec() const { return spec_; }
  const MlpLayout& layout() const { return layout_; }
  // Batch rows a work group holds (a specialization constant: what the shared memory allows).
  uint32_t rowsPerGroup() const { return rows_; }

  // As ReferenceMlp::forward / backward, in float32; backward follows the last forward.
  std::vector<float> forward(std::span<const float> params, std::span<const float> x,
                             std::span<const float> c, std::span<const int> labels = {});
  std::vector<float> backward(std::span<const float> params, std::span<const float> dy,
                              std::span<float> grad);

 private:
  struct Buffers;
  void reserve(size_t batch);
  void freeSets();
  void uploadParams(std::span<const float> params);
  MlpPush push(bool keep) const;

  MlpSpec spec_;
  MlpLayout layout_;
  Embedding embedding_;
  const GpuContext* gpu_;
  uint32_t rows_, widest_;
  std::unique_ptr<ComputeKernel> forward_, backward_, weightGrad_;
  std::unique_ptr<Buffers> buffers_;
  size_t batch_ = 0;
  std::vector<float> uploaded_;  // what the device's parameter buffer holds
};

}  // namespace flowscope
