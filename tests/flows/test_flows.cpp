// Normalizing flows against independent references: inverses, finite-difference Jacobians and
// gradients, the closed-form NLL of a Gaussian, and the ODE likelihood against the mixture's
// closed-form density.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "FastCpuMlp.h"
#include "FlowNetwork.h"
#include "FlowTrainer.h"
#include "GaussianMixture.h"
#include "LearnedModel.h"
#include "OdeLikelihood.h"
#include "ReferenceMlp.h"
#include "Rng.h"

namespace flowscope {
namespace {

using RefFlow = FlowNetwork<ReferenceMlp, double>;
using FastFlow = FlowNetwork<FastCpuMlp, float>;

constexpr FlowKind kKinds[] = {FlowKind::Nice, FlowKind::RealNvp, FlowKind::Glow, FlowKind::Spline};

FlowSpec smallSpec(FlowKind k) {
  FlowSpec s;
  s.kind = k;
  s.layers = 4;
  s.width = 16;
  s.depth = 2;
  s.activation = Activation::Tanh;
  s.tailBound = 3.0;
  s.seed = 5;
  return s;
}

// Initial parameters with every value moved by N(0, 0.3^2): layers that are no identity.
std::vector<double> perturbed(const FlowSpec& s, uint64_t seed) {
  std::vector<double> p = initialFlowParameters(s);
  Pcg32 rng(seed);
  for (double& v : p) v += 0.3 * rng.normal();
  return p;
}

std::vector<double> points(size_t n, uint64_t seed, double scale = 1.5) {
  Pcg32 rng(seed);
  std::vector<double> x(2 * n);
  for (double& v : x) v = scale * rng.normal();
  return x;
}

TEST(Flows, EveryKindInvertsInDoubleAndFloat) {
  for (FlowKind k : kKinds) {
    const FlowSpec s = smallSpec(k);
    const std::vector<double> p = perturbed(s, 3), x = points(200, 4);
    RefFlow ref(s);
    std::vector<double> ld;
    const std::vector<double> z = ref.forward(p, x, ld);
    const std::vector<double> back = ref.inverse(p, z);
    double err = 0.0, moved = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
      err = std::max(err, std::abs(back[i] - x[i]));
      moved = std::max(moved, std::abs(z[i] - x[i]));
    }
    EXPECT_LT(err, 1e-10) << flowKindName(k);
    EXPECT_GT(moved, 0.05) << flowKindName(k) << ": the flow should not be the identity";

    FastFlow fast(s);
    const std::vector<float> pf(p.begin(), p.end()), xf(x.begin(), x.end());
    std::vector<float> ldf;
    const std::vector<float> zf = fast.forward(pf, xf, ldf);
    const std::vector<float> backf = fast.inverse(pf, zf);
    double errf = 0.0, twin = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
      errf = std::max(errf, double(std::abs(backf[i] - xf[i])));
      twin = std::max(twin, std::abs(double(zf[i]) - z[i]));
    }
    EXPECT_LT(errf, 1e-4) << flowKindName(k) << ": the whole flow's round trip in float32";
    // Each layer alone inverts to 1e-5 in float32 (on the states the forward pass reaches).
    const FlowTrace<float> t = fast.trace(pf, xf, false);
    for (size_t l = 0; l + 1 < t.states.size(); ++l) {
      std::vector<float> q = t.states[l];
      fast.layer(l, pf, q, false);
      fast.layer(l, pf, q, true);
      double e = 0.0;
      for (size_t i = 0; i < q.size(); ++i)
        e = std::max(e, double(std::abs(q[i] - t.states[l][i])));
      EXPECT_LT(e, 1e-5) << flowKindName(k) << " layer " << l;
    }
    EXPECT_LT(twin, 1e-4) << flowKindName(k) << ": float32 against the double reference";
  }
}

TEST(Flows, LogDeterminantsEqualFiniteDifferenceJacobians) {
  for (FlowKind k : kKinds) {
    const FlowSpec s = smallSpec(k);
    const std::vector<double> p = perturbed(s, 7), x = points(20, 8);
    RefFlow ref(s);
    const FlowTrace<double> t = ref.trace(p, x, false);
    const size_t layers = t.logDets.size();
    for (size_t l = 0; l < layers; ++l) {
      for (size_t r = 0; r < 20; ++r) {
        const double h = 1e-6;
        double J[2][2];
        for (int c = 0; c < 2; ++c) {
          std::vector<double> a{t.states[l][2 * r], t.states[l][2 * r + 1]}, b = a;
          a[size_t(c)] += h;
          b[size_t(c)] -= h;
          ref.layer(l, p, a, false);
          ref.layer(l, p, b, false);
          J[0][c] = (a[0] - b[0]) / (2 * h);
          J[1][c] = (a[1] - b[1]) / (2 * h);
        }
        const double fd = std::log(std::abs(J[0][0] * J[1][1] - J[0][1] * J[1][0]));
        EXPECT_NEAR(t.logDets[l][r], fd, 1e-5)
            << flowKindName(k) << " layer " << l << " ("
            << flowLayerName(ref.layout().layers[l].type) << ") point " << r;
        if (ref.layout().layers[l].type == FlowLayerType::Additive) {
          EXPECT_EQ(t.logDets[l][r], 0.0);  // NICE's coupling: exactly volume-preserving
        }
      }
    }
    // The whole map's Jacobian against the sum of the layers' log-dets.
    for (size_t r = 0; r < 20; ++r) {
      const double h = 1e-6;
      double J[2][2];
      for (int c = 0; c < 2; ++c) {
        std::vector<double> a{x[2 * r], x[2 * r + 1]}, b = a;
        a[size_t(c)] += h;
        b[size_t(c)] -= h;
        std::vector<double> la, lb;
        const std::vector<double> za = ref.forward(p, a, la), zb = ref.forward(p, b, lb);
        J[0][c] = (za[0] - zb[0]) / (2 * h);
        J[1][c] = (za[1] - zb[1]) / (2 * h);
      }
      double sum = 0.0;
      for (size_t l = 0; l < layers; ++l) sum += t.logDets[l][r];
      EXPECT_NEAR(sum, std::log(std::abs(J[0][0] * J[1][1] - J[0][1] * J[1][0])), 1e-5)
          << flowKindName(k) << " point " << r;
    }
  }
}

TEST(Flows, NllGradientEqualsFiniteDifferences) {
  for (FlowKind k : kKinds) {
    const FlowSpec s = smallSpec(k);
    std::vector<double> p = perturbed(s, 11);
    const std::vector<double> x = points(32, 12);
    RefFlow ref(s);
    std::vector<double> grad(p.size(), 0.0);
    ref.nllAndGradient(p, x, grad);
    auto nll = [&](const std::vector<double>& q) {
      double sum = 0.0;
      for (double lp : ref.logDensity(q, x)) sum -= lp;
      return sum / 32.0;
    };
    // Every non-coupling parameter and every 7th of the rest.
    for (size_t i = 0; i < p.size(); ++i) {
      bool coupling = false;
      for (const FlowLayer& l : ref.layout().layers)
        if (i >= l.offset && i < l.offset + l.count) coupling = l.coupling();
      if (coupling && i % 7 != 0) continue;
      const double h = 1e-6, keep = p[i];
      p[i] = keep + h;
      const double up = nll(p);
      p[i] = keep - h;
      const double down = nll(p);
      p[i] = keep;
      EXPECT_NEAR(grad[i], (up - down) / (2 * h), 1e-6 + 1e-5 * std::abs(grad[i]))
          << flowKindName(k) << " parameter " << i;
    }
  }
}

TEST(Flows, TrainedOnAGaussianReachesItsEntropy) {
  // N(mu, C): the expected NLL of the true density is its differential entropy
  // log(2 pi e) + log det(C) / 2; a flow reaches it up to the held-out sample's spread.
  const glm::dvec2 mu{1.0, -0.5};
  const double a = 0.8, b = 0.3, c = 0.5;  // C = L L^T with L = [[a, 0], [b, c]]
  auto draw = [&](size_t n, uint64_t seed) {
    Pcg32 rng(seed);
    std::vector<glm::dvec2> out;
    for (size_t i = 0; i < n; ++i) {
      const double u = rng.normal(), v = rng.normal();
      out.push_back(mu + glm::dvec2(a * u, b * u + c * v));
    }
    return out;
  };
  const double entropy =
      std::log(2.0 * std::numbers::pi * std::numbers::e) + std::log(a * c);  // det C = (ac)^2
  const std::vector<glm::dvec2> heldOut = draw(20000, 2);
  double trueNll = 0.0;  // the true density's NLL on this held-out sample
  for (const glm::dvec2& p : heldOut) {
    const double u = (p.x - mu.x) / a, v = (p.y - mu.y - b * u) / c;
    trueNll += 0.5 * (u * u + v * v) + std::log(2.0 * std::numbers::pi * a * c);
  }
  trueNll /= double(heldOut.size());
  EXPECT_NEAR(trueNll, entropy, 0.03);
  for (FlowKind k : {FlowKind::RealNvp, FlowKind::Glow}) {
    FlowTrainingSpec spec;
    spec.flow = smallSpec(k);
    spec.adam.learningRate = 5e-3;
    spec.adam.totalSteps = 800;
    spec.batch = 256;
    FlowTrainer<FastCpuMlp, float> t(spec, draw(4000, 1));
    for (int i = 0; i < 800; ++i) t.step();
    EXPECT_NEAR(t.nll(heldOut), trueNll, 0.03) << flowKindName(k);
  }
}

TEST(Flows, OdeLikelihoodOfAMixtureMatchesItsClosedForm) {
  // Points of the data (the ring of 8, components as thin as 0.14): the default solver (Heun,
  // 256 steps, flow path from t = 1e-5) and Heun with 512 steps on EDM's path.
  const GaussianMixture g = GaussianMixture::ring();
  const std::vector<glm::dvec2> xs = g.sample(20, 3);
  OdeLikelihoodSpec flow, edm;
  flow.path = OdePath::Flow;
  edm.path = OdePath::Edm;
  edm.steps = 512;
  for (const OdeLikelihoodSpec& s : {flow, edm}) {
    for (const glm::dvec2& x : xs) {
      const double closed = g.evaluate(x, 1.0, 0.0).logp;  // log p_0
      EXPECT_NEAR(odeLikelihood(g, x, s).logp, closed, 1e-3) << odePathName(s.path);
    }
  }
  // The error falls with the step count as Heun's second order says: about 4x a doubling.
  OdeLikelihoodSpec coarse = flow;
  coarse.steps = 64;
  double e64 = 0.0, e256 = 0.0;
  for (const glm::dvec2& x : xs) {
    const double closed = g.evaluate(x, 1.0, 0.0).logp;
    e64 += std::abs(odeLikelihood(g, x, coarse).logp - closed);
    e256 += std::abs(odeLikelihood(g, x, flow).logp - closed);
  }
  EXPECT_GT(e64 / e256, 8.0);
}

TEST(Flows, HutchinsonIsUnbiasedWithinItsStandardError) {
  const GaussianMixture g = GaussianMixture::ring();
  OdeLikelihoodSpec exact;
  exact.steps = 32;
  for (ProbeKind probe : {ProbeKind::Gaussian, ProbeKind::Rademacher}) {
    OdeLikelihoodSpec h = exact;
    h.trace = TraceKind::Hutchinson;
    h.probe = probe;
    h.probes = 2000;
    h.seed = 9;
    const glm::dvec2 x{1.0, 2.0};
    const OdeLikelihood e = odeLikelihood(g, x, exact), est = odeLikelihood(g, x, h);
    EXPECT_GT(est.standardError, 0.0);
    EXPECT_LT(std::abs(est.logp - e.logp), 4.0 * est.standardError) << probeKindName(probe);
  }
}

TEST(Flows, ExactJacobiansEqualFiniteDifferences) {
  const GaussianMixture g = GaussianMixture::ring();
  for (double sigma : {0.05, 0.5, 3.0}) {
    const glm::dvec2 x{1.3, 0.7};
    const glm::dmat2 j = g.denoiserJacobian(x, 1.0, sigma);
    const glm::dmat2 fd = g.ExactModel::denoiserJacobian(x, 1.0, sigma);
    for (int c = 0; c < 2; ++c)
      for (int r = 0; r < 2; ++r) EXPECT_NEAR(j[c][r], fd[c][r], 1e-5 * (1.0 + std::abs(fd[c][r])));
  }
}

TEST(Flows, NetworkDenoiserJacobiansEqualFiniteDifferences) {
  // A random network under each objective: c_skip I + c_out c_in dF/dx against central
  // differences of the float32 denoiser (step 1e-3: float rounding bounds the agreement).
  for (ObjectiveKind kind : {ObjectiveKind::Flow, ObjectiveKind::Edm, ObjectiveKind::DdpmEpsilon}) {
    MlpSpec spec;
    spec.width = 32;
    spec.depth = 3;
    spec.activation = Activation::Silu;
    spec.residual = true;
    MlpWeights w{spec, initialParameters(spec), ObjectiveSpec{}, {}};
    w.objective->kind = kind;
    const LearnedModel m(w);
    const glm::dvec2 x{0.7, -0.4};
    const double s = kind == ObjectiveKind::Flow ? 0.6 : 1.0,
                 tau = kind == ObjectiveKind::Flow ? 0.4 : 0.8;
    const glm::dmat2 j = m.denoiserJacobian(x, s, tau);
    const double h = 1e-3;
    for (int c = 0; c < 2; ++c) {
      glm::dvec2 e(0.0);
      e[c] = h;
      const glm::dvec2 fd = (m.denoise(x + e, s, tau) - m.denoise(x - e, s, tau)) / (2.0 * h);
      for (int r = 0; r < 2; ++r) EXPECT_NEAR(j[c][r], fd[r], 2e-3) << objectiveName(kind);
    }
  }
}

}  // namespace
}  // namespace flowscope
