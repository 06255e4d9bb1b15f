#pragma once
// The estimators' Vulkan kernel (shaders/estimators/estimator_samples.comp): many estimates of
// grad L at once, one invocation an estimate, float32, from the host's noise (drawNoise), so
// both sides see identical draws. Its CPU twin is estimateFromNoise; tested against it. Named
// functions only: a typed expression is refused (it stays on the CPU).
#include <memory>
#include <span>
#include <vector>

#include "Estimators.h"
#include "KernelWorkspace.h"

namespace flowscope {

class GpuEstimator {
 public:
  explicit GpuEstimator(const GpuContext& ctx);
  ~GpuEstimator();
  // noise: the estimates' noise one after another (samples x noiseStride values each); returns
  // their gradients, theta.size() values an estimate. InputError for a typed f or too much noise.
  std::vector<float> estimates(const EstimatorProblem& p, const EstimatorSpec& s,
                               std::span<const float> noise);

 private:
  const GpuContext& ctx_;
  std::unique_ptr<ComputeKernel> kernel_;  // before the workspace, which frees its sets
  KernelWorkspace workspace_;
};

}  // namespace flowscope
