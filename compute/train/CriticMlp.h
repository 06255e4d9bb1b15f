#pragma once
// A scalar network f: R^n -> R in the engine's layout (MlpSpec: outputs 1, no embedding, no
// classes, not residual; parameters as layoutOf / initialParameters place them) with what a
// Lipschitz critic needs beyond the engine's backward pass: the input gradient grad f(x) and the
// weights' gradient of a gradient penalty (|grad f(x)| - 1)^2 (WGAN-GP's, Gulrajani et al. 2017),
// a derivative of a derivative. Both by hand, batched (Eigen, points as columns):
//   forward   a_0 = x, z_l = W_l a_{l-1} + b_l, a_l = act(z_l), f = w . a_depth + b
//   tangents  for each input direction e_k: t_0 = e_k, s_l = W_l t_{l-1}, t_l = act'(z_l) s_l,
//             g_k = df/dx_k = w . t_depth
//   reverse   through both: the adjoint of z_l collects act'(z_l) times a_l's adjoint and
//             act''(z_l) s_l times t_l's; W_l's gradient is the adjoint of z_l times a_{l-1}^T
//             plus the adjoint of s_l times t_{l-1}^T.
// T: double (the tests' oracle) or float (the labs' and the CLI's). One network's calls are not
// concurrent: they share a workspace (kept so that a training step allocates nothing).
#include <memory>
#include <span>
#include <vector>

#include "MlpSpec.h"
#include "ReferenceMlp.h"

namespace flowscope {

// InputError naming the field when `spec` is not a critic's (outputs 1, embedding none, classes 0,
// residual off) or fails validate(spec).
void validateCritic(const MlpSpec& spec);

template <class T>
class CriticMlpT {
 public:
  explicit CriticMlpT(const MlpSpec& spec);  // validateCritic
  CriticMlpT(const CriticMlpT& other);       // the same network, a workspace of its own
  ~CriticMlpT();
  const MlpSpec& spec() const { return spec_; }
  const MlpLayout& layout() const { return layout_; }

  struct Evaluation {
    std::vector<T> values;     // f(x_i)
    std::vector<T> gradients;  // grad f(x_i), inputs values a point
  };
  // points: batch x inputs, row-major.
  Evaluation evaluate(std::span<const T> params, std::span<const T> points) const;
  // f(x_i) alone (no tangents: a third of evaluate's work on the plane).
  std::vector<T> values(std::span<const T> params, std::span<const T> points) const;
  // Adds to `grad` the parameters' gradient of
  //   L = sum_i valueWeights_i f(x_i) + sum_i penaltyWeights_i (|grad f(x_i)| - 1)^2
  // and returns the penalty's part of L; `values`, when given, receives f(x_i) of that pass.
  double lossGradient(std::span<const T> params, std::span<const T> points,
                      std::span<const T> valueWeights, std::span<const T> penaltyWeights,
                      std::span<T> grad, std::vector<T>* values = nullptr) const;

 private:
  struct Workspace;
  // Fills the workspace: the forward pass, and the tangents when asked.
  void run(std::span<const T> params, std::span<const T> points, bool tangents) const;

  MlpSpec spec_;
  MlpLayout layout_;
  std::unique_ptr<Workspace> work_;
};
using CriticMlp = CriticMlpT<double>;
extern template class CriticMlpT<double>;
extern template class CriticMlpT<float>;

}  // namespace flowscope
