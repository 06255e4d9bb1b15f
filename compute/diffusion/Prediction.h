#pragma once
// x0-predictions of a particle subset (ghost points joined to their particles): a GPU kernel
// (shaders/predict_x0.comp) and its CPU twin. Bindings: 0 mixture, 1 states, 2 data points,
// 3 predictions (vec4: particle xy, prediction xy).
#include <span>
#include <vector>

#include "ComputeKernel.h"
#include "GpuModel.h"
#include "Samplers.h"
#include "ShaderLayout.h"

namespace flowscope {

std::vector<glm::vec4> predictX0Cpu(const ExactModel& model, std::span<const ParticleState> states,
                                    double s, double tau);

struct PredictPush {
  uint32_t count, srcOffset;
  float s, tau;
  GpuModelRef model;
};
FLOWSCOPE_SHADER_SIZE(PredictPush, 48);  // = predict_x0.comp
FLOWSCOPE_SHADER_OFFSET(PredictPush, count, 0);
FLOWSCOPE_SHADER_OFFSET(PredictPush, srcOffset, 4);
FLOWSCOPE_SHADER_OFFSET(PredictPush, s, 8);
FLOWSCOPE_SHADER_OFFSET(PredictPush, tau, 12);
FLOWSCOPE_SHADER_OFFSET(PredictPush, model, 16);

class PredictKernel {
 public:
  // `learned`: the build that can evaluate a learned model (requireModelVariant).
  explicit PredictKernel(const GpuContext& ctx, bool learned = false);
  bool learned() const { return learned_; }
  ComputeKernel& kernel() { return kernel_; }
  VkDescriptorSet bind(const GpuModelData& model, const GpuBuffer& states,
                       const GpuBuffer& predictions);
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const PredictPush& push) const;

 private:
  bool learned_;
  ComputeKernel kernel_;
};

}  // namespace flowscope
