#pragma once
// The exact model's data on the GPU, as model.glsl reads it: binding 0 the mixture components,
// binding 2 the dataset points (for a coupling: its bandwidth, then the pairs; for a learned
// model: its network, LearnedModel::gpuPacking, with the data's mixture at 0 if any). The unused
// one holds a single dummy element, so every kernel has one descriptor layout whatever the model.
// A guided model (Dataset::guided) appends its conditional and guiding models after the data's
// own (a learned one: its two networks replace the one), each a range of the buffer.
#include <glm/glm.hpp>

#include "Dataset.h"
#include "GpuBuffer.h"
#include "MixtureGrids.h"

namespace flowscope {

class GpuModelData {
 public:
  GpuModelData(const GpuContext& ctx, const Dataset& data);
  GpuModel kind() const { return GpuModel(ref_.kind); }
  // The model the samplers, fields and predictions evaluate: guided when the data has guidance.
  const GpuModelRef& ref() const { return ref_; }
  // The data's own density, never guided (the heatmap).
  const GpuModelRef& dataRef() const { return dataRef_; }
  const GpuBuffer& mixture() const { return mixture_; }
  const GpuBuffer& points() const { return points_; }

 private:
  GpuModelRef ref_, dataRef_;
  GpuBuffer mixture_, points_;
};

}  // namespace flowscope
