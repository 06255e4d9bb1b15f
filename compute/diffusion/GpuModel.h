#pragma once
// The exact model's data on the GPU, as model.glsl reads it: binding 0 the mixture components,
// binding 2 the dataset points (for a coupling: its bandwidth, then the pairs; for a learned
// model: its network, LearnedModel::gpuPacking, with the data's mixture at 0 if any). The unused
// one holds a single dummy element, so every kernel has one descriptor layout whatever the model.
#include <glm/glm.hpp>

#include "Dataset.h"
#include "GpuBuffer.h"
#include "MixtureGrids.h"

namespace flowscope {

class GpuModelData {
 public:
  GpuModelData(const GpuContext& ctx, const Dataset& data);
  GpuModel kind() const { return kind_; }
  uint32_t count() const { return count_; }  // components, points or pairs
  const GpuBuffer& mixture() const { return mixture_; }
  const GpuBuffer& points() const { return points_; }

 private:
  GpuModel kind_;
  uint32_t count_;
  GpuBuffer mixture_, points_;
};

}  // namespace flowscope
