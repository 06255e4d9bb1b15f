#pragma once
// The double-precision reference of the training engine (MlpSpec.h): the oracle the float32 CPU
// and Vulkan backends are tested against. Forward keeps every layer's pre-activations and
// activations; backward is derived by hand per layer (no framework): for the output layer
// dW = dY^T a, db = sum dY, da = dY W; for a hidden layer dz = da * act'(z), then the same, and a
// residual layer passes da on to its input as well.
#include <span>
#include <vector>

#include "Embedding.h"
#include "MlpSpec.h"

namespace flowscope {

// Where each linear layer's parameters sit in the flat vector the optimiser and the weight files
// see: hidden layers 1..depth, then the output; each W (out x in, row-major), then b.
struct MlpLayout {
  struct Layer {
    int in = 0, out = 0;
    size_t weights = 0, bias = 0;  // offsets
  };
  std::vector<Layer> layers;
  size_t count = 0;
};
MlpLayout layoutOf(const MlpSpec& spec);

// PyTorch's nn.Linear initialisation: W and b uniform in +-1/sqrt(in), from spec.seed.
std::vector<double> initialParameters(const MlpSpec& spec);

class ReferenceMlp {
 public:
  explicit ReferenceMlp(const MlpSpec& spec);  // InputError from validate(spec)
  const MlpSpec& spec() const { return spec_; }
  const MlpLayout& layout() const { return layout_; }

  // y (batch x outputs) for x (batch x inputs, row-major) at levels c (batch values; ignored
  // without an embedding) and, for a class-conditional network, labels (batch classes in 0..K,
  // K "no class"; empty: no class for every row). Keeps what backward() needs.
  std::vector<double> forward(std::span<const double> params, std::span<const double> x,
                              std::span<const double> c, std::span<const int> labels = {});
  // For the last forward: adds dL/dparams to `grad` (layout().count values) from dL/dy, and
  // returns dL/dx (batch x inputs).
  std::vector<double> backward(std::span<const double> params, std::span<const double> dy,
                               std::span<double> grad) const;

 private:
  MlpSpec spec_;
  MlpLayout layout_;
  Embedding embedding_;
  size_t batch_ = 0;
  std::vector<std::vector<double>> a_;  // a_0 .. a_depth, batch x (that layer's width)
  std::vector<std::vector<double>> z_;  // z_1 .. z_depth (z_[0] unused)
};

}  // namespace flowscope
