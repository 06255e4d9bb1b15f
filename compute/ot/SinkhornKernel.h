#pragma once
// Log-domain Sinkhorn on the GPU (shaders/sinkhorn_softmin.comp, sinkhorn_marginal.comp), the same
// iteration, annealing schedule and stopping rule as sinkhornCpu (its twin), in float32.
#include <memory>

#include "ComputeKernel.h"
#include "ShaderLayout.h"
#include "Transport.h"

namespace flowscope {

class GpuSinkhorn {
 public:
  GpuSinkhorn(const GpuContext& ctx, const Measure& a, const Measure& b, CostKind cost);
  ~GpuSinkhorn();
  SinkhornResult solve(const SinkhornOptions& options);

 private:
  struct Push {
    uint32_t n, m;
    float eps;
    uint32_t cost;
  };
  FLOWSCOPE_SHADER_SIZE(Push, 16);  // = sinkhorn.glsl
  FLOWSCOPE_SHADER_OFFSET(Push, n, 0);
  FLOWSCOPE_SHADER_OFFSET(Push, m, 4);
  FLOWSCOPE_SHADER_OFFSET(Push, eps, 8);
  FLOWSCOPE_SHADER_OFFSET(Push, cost, 12);
  void iterate(VkCommandBuffer cmd, double eps, int count);
  std::pair<double, double> errorAndCost(double eps);

  const GpuContext& ctx_;
  const Measure &a_, &b_;
  CostKind cost_;
  uint32_t n_, m_;
  GpuBuffer x_, y_, logA_, logB_, f_, g_, rows_, cols_;
  std::unique_ptr<ComputeKernel> softmin_, marginal_;
  VkDescriptorSet setF_, setG_, setRows_, setCols_;
};

}  // namespace flowscope
