#pragma once
// A normalizing flow on the plane: an invertible map f from data x to latent z = f(x), a stack
// of layers, with the base density N(0, baseScale^2 I) on z, so that
//   log p(x) = log N(f(x); 0, baseScale^2 I) + sum over layers of log |det J_layer|.
// "Forward" is always data -> latent (f, the density direction; RealNVP's convention); sampling
// runs the inverse, latent -> data. The layers of each kind (Dinh et al. 2015, 2017; Kingma &
// Dhariwal 2018; Durkan et al. 2019):
//   nice:    `layers` additive couplings  z_b = x_b + t(x_a)  (log-det 0), the conditioning
//            coordinate a alternating 0, 1, 0, ..., then a diagonal scaling z = x * exp(lambda);
//   realnvp: `layers` affine couplings  z_b = x_b * exp(s) + t,  s = 2 tanh(a / 2) (bounded in
//            (-2, 2)), (a, t) = net(x_a), alternating;
//   glow:    `layers` steps of actnorm (z = (x + b) * exp(log s), initialised from the first
//            batch to zero mean, unit variance), an invertible 2 x 2 mixing z = W x with
//            W = P L (U + diag(sign * exp(log s))) (LU-parametrised: log|det| = sum log s; P and
//            the signs fixed at initialisation from a seeded rotation), and an affine coupling;
//   spline:  `layers` rational-quadratic spline couplings (neural spline flow) with `bins` bins on
//            [-tailBound, tailBound], the identity outside, alternating.
// Each coupling's conditioner is an MLP of the training engine (MlpSpec: 1 input, depth x width,
// no embedding) whose output layer starts at zero, so every layer starts as the identity.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "MlpSpec.h"

namespace flowscope {

enum class FlowKind { Nice, RealNvp, Glow, Spline };
std::string flowKindName(FlowKind k);             // "nice", "realnvp", "glow", "spline"
FlowKind parseFlowKind(const std::string& name);  // InputError listing the names
std::string flowKindTitle(FlowKind k);            // "RealNVP (affine coupling)"

struct FlowSpec {
  FlowKind kind = FlowKind::RealNvp;
  int layers = 8;  // couplings (glow: steps), 1..32
  int width = 64;  // the coupling networks' hidden units, 16..512
  int depth = 2;   // their hidden layers, 1..8
  Activation activation = Activation::Relu;
  double baseScale = 1.0;  // the base density's standard deviation, (0, 100]
  int bins = 8;            // spline: 2..16
  double tailBound = 4.0;  // spline: the interval [-B, B] the spline covers, (0, 100]
  uint64_t seed = 1;       // the initial weights (and glow's rotations)
};
// InputError naming the first bad field ("layers: must be between 1 and 32 (got 0)").
void validate(const FlowSpec& spec);
nlohmann::json flowSpecJson(const FlowSpec& s);
FlowSpec flowSpecFromJson(const nlohmann::json& j);  // validated; InputError naming the key

enum class FlowLayerType { Additive, Affine, Spline, ActNorm, Mix, Scale };
std::string flowLayerName(FlowLayerType t);  // "additive coupling", "actnorm", ...

// One layer and where its parameters sit in the flow's flat vector.
struct FlowLayer {
  FlowLayerType type;
  int cond = 0;  // couplings: the coordinate the conditioner reads (the other is transformed)
  size_t offset = 0, count = 0;
  MlpSpec net;  // couplings: the conditioner (outputs: 1 additive, 2 affine, 3 bins - 1 spline)
  // mix: W = P L U with P a swap of rows when `swap`, U's diagonal sign0 exp(ls0), sign1 exp(ls1)
  bool swap = false;
  double sign0 = 1.0, sign1 = 1.0;
  bool coupling() const {
    return type == FlowLayerType::Additive || type == FlowLayerType::Affine ||
           type == FlowLayerType::Spline;
  }
};

struct FlowLayout {
  std::vector<FlowLayer> layers;
  size_t count = 0;  // parameters
};
FlowLayout flowLayout(const FlowSpec& spec);  // validates

// The initial parameters: each conditioner PyTorch-initialised (seed + layer) with its output
// layer zero; actnorm, scaling and the mixing's log-scales from the identity / the rotation.
std::vector<double> initialFlowParameters(const FlowSpec& spec);

// The RQ spline's constants (Durkan et al. 2019): minimum bin width and height (fractions of the
// interval) and minimum knot derivative.
inline constexpr double kSplineMinBin = 1e-3, kSplineMinDerivative = 1e-3;

}  // namespace flowscope
