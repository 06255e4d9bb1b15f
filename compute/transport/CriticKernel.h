#pragma once
// The critic's Vulkan kernel (shaders/transport/critic_field.comp): f and grad f at points, one
// invocation a point, float32. Its CPU twin is CriticMlpT<float>::evaluate; tested against it.
// The Transport lab's critic heatmap uses it where the Vulkan device is a GPU; on a CPU device
// (lavapipe) the CPU twin (Eigen, batched) is faster.
#include <memory>
#include <span>

#include "CriticMlp.h"
#include "KernelWorkspace.h"

namespace flowscope {

class GpuCritic {
 public:
  explicit GpuCritic(const GpuContext& ctx);
  ~GpuCritic();
  // As CriticMlpT<float>::evaluate. InputError when the network is not a critic of the plane or
  // the points exceed the device's storage-buffer range.
  CriticMlpT<float>::Evaluation evaluate(const MlpSpec& spec, std::span<const float> params,
                                         std::span<const float> points);

 private:
  const GpuContext& ctx_;
  std::unique_ptr<ComputeKernel> kernel_;  // before the workspace, which frees its sets
  KernelWorkspace workspace_;
};

}  // namespace flowscope
