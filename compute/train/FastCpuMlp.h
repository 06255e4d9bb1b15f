#pragma once
// The training engine's fast CPU backend: the same network and parameter layout as ReferenceMlp
// (MlpSpec.h, MlpLayout) in float32, each layer's batch product by OpenBLAS (cblas_sgemm, one
// thread a call), the activations elementwise and vectorised by Eigen, the batch split into one
// block of rows per hardware thread (each block's gradient summed after, in block order). The
// backend that runs where the Vulkan device is a CPU (lavapipe); tested against the double
// reference.
#include <span>
#include <vector>

#include "AlignedFloats.h"
#include "Embedding.h"
#include "MlpSpec.h"
#include "ReferenceMlp.h"

namespace flowscope {

class FastCpuMlp {
 public:
  explicit FastCpuMlp(const MlpSpec& spec);  // InputError from validate(spec)
  const MlpSpec& spec() const { return spec_; }
  const MlpLayout& layout() const { return layout_; }

  // As ReferenceMlp::forward / backward, in float32.
  std::vector<float> forward(std::span<const float> params, std::span<const float> x,
                             std::span<const float> c, std::span<const int> labels = {});
  std::vector<float> backward(std::span<const float> params, std::span<const float> dy,
                              std::span<float> grad) const;

 private:
  void forwardRows(std::span<const float> params, size_t r0, size_t r1, std::vector<float>& y);
  // Rows [r0, r1): their gradient added to grad, their dL/dx written into dx.
  void backwardRows(std::span<const float> params, std::span<const float> dy, size_t r0, size_t r1,
                    std::span<float> grad, std::vector<float>& dx) const;

  MlpSpec spec_;
  MlpLayout layout_;
  Embedding embedding_;
  size_t batch_ = 0;
  std::vector<AlignedFloats> a_, z_;  // as ReferenceMlp's, row-major batch x width
};

}  // namespace flowscope
