#pragma once
// The training engine's fast CPU backend: the same network and parameter layout as ReferenceMlp
// (MlpSpec.h, MlpLayout) in float32, each layer's batch product by Eigen (vectorised GEMM), the
// activations elementwise. The backend that runs where the Vulkan device is a CPU (lavapipe);
// tested against the double reference.
#include <span>
#include <vector>

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
                             std::span<const float> c);
  std::vector<float> backward(std::span<const float> params, std::span<const float> dy,
                              std::span<float> grad) const;

 private:
  MlpSpec spec_;
  MlpLayout layout_;
  Embedding embedding_;
  size_t batch_ = 0;
  std::vector<std::vector<float>> a_, z_;  // as ReferenceMlp's, row-major batch x width
};

}  // namespace flowscope
