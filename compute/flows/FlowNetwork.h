#pragma once
// A normalizing flow (FlowSpec.h) evaluated on batches of points with one backend of the
// training engine for its coupling networks: ReferenceMlp in double (the tests' oracle) or
// FastCpuMlp in float32 (training and drawing on CPU-only devices), VulkanMlp in float32 on a
// GPU. Forward is data -> latent and keeps what backward() needs; the gradient of the negative
// log-likelihood is derived by hand layer by layer (the spline's by forward-mode dual numbers,
// Spline.h), the conditioners' by the engine's own backward passes.
#include <span>
#include <vector>

#include "FlowSpec.h"
#include "PlanePoints.h"

namespace flowscope {

// Points pushed through the flow one layer at a time: states[k] holds the batch (row-major
// batch x 2) after k layers of the pass (states[0] the input), logDets[k] each point's
// log |det J| of layer k (forward direction; an inverse pass records the forward layer's value
// at the point it produced, so both passes show the same quantity).
template <class T>
struct FlowTrace {
  std::vector<std::vector<T>> states;
  std::vector<std::vector<T>> logDets;
};

template <class Mlp, class T>
class FlowNetwork {
 public:
  // InputError from validate(spec); `mlpArgs` follow each conditioner's MlpSpec into Mlp's
  // constructor (VulkanMlp's device).
  template <class... Args>
  explicit FlowNetwork(const FlowSpec& spec, Args&&... mlpArgs) : spec_(spec) {
    layout_ = flowLayout(spec);
    for (const FlowLayer& l : layout_.layers)
      if (l.coupling()) nets_.emplace_back(l.net, mlpArgs...);
  }
  const FlowSpec& spec() const { return spec_; }
  const FlowLayout& layout() const { return layout_; }

  // z = f(x) for the batch x (batch x 2) and each point's total log |det J|; keeps every layer's
  // input for backward().
  std::vector<T> forward(std::span<const T> params, std::span<const T> x, std::vector<T>& logDet);
  // x = f^-1(z); logDet (when given) receives log |det J_f| at the x produced.
  std::vector<T> inverse(std::span<const T> params, std::span<const T> z,
                         std::vector<T>* logDet = nullptr);
  // log p(x) of each point: log N(f(x); 0, baseScale^2 I) + log |det J_f(x)|.
  std::vector<double> logDensity(std::span<const T> params, std::span<const T> x);
  // The mean negative log-likelihood of the batch, its gradient added to `grad`.
  double nllAndGradient(std::span<const T> params, std::span<const T> x, std::span<T> grad);
  // Every layer's state, data -> latent (forward) or latent -> data (inverse).
  FlowTrace<T> trace(std::span<const T> params, std::span<const T> points, bool inverse);
  // Layer `i` alone applied to the batch `p` in place (forward or inverse); each point's
  // log |det J| of the layer (forward direction, at the point on the data side).
  std::vector<T> layer(size_t i, std::span<const T> params, std::vector<T>& p, bool inverse) {
    std::vector<T> ld(p.size() / 2, T(0));
    apply(i, params, p, ld, inverse, false);
    return ld;
  }
  // Glow's data-dependent initialisation (Kingma & Dhariwal 2018): each actnorm's bias and
  // log-scale set, in order, so that its output on this batch has zero mean and unit variance.
  void initialiseActNorm(std::span<T> params, std::span<const T> x);

 private:
  // Layer `i` applied to the batch in place (forward or inverse), adding to logDet. `keep`:
  // remembers the input and conditioner outputs for backward.
  void apply(size_t i, std::span<const T> params, std::vector<T>& p, std::vector<T>& logDet,
             bool inverse, bool keep);
  // Through layer `i` backwards: g (dL/d its output, in place -> dL/d its input), gLogDet the
  // loss's derivative with respect to each point's log-det; adds to grad.
  void backward(size_t i, std::span<const T> params, std::vector<T>& g, T gLogDet,
                std::span<T> grad);
  std::vector<T> conditionerOutputs(size_t i, std::span<const T> params, const std::vector<T>& p,
                                    int cond);
  void couplingForward(const FlowLayer& l, const std::vector<T>& out, std::vector<T>& p,
                       std::vector<T>& logDet, bool inverse) const;
  void couplingBackward(size_t i, std::span<const T> params, std::vector<T>& g, T gLogDet,
                        std::span<T> grad);
  size_t netIndex(size_t layer) const;

  FlowSpec spec_;
  FlowLayout layout_;
  std::vector<Mlp> nets_;
  std::vector<std::vector<T>> inputs_, outputs_;  // per layer, kept by forward(keep)
};

}  // namespace flowscope
