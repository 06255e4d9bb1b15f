// The training engine's double-precision reference: every layer's and the loss's gradients
// against central finite differences, Adam's first steps against a hand computation, the
// learning-rate schedule, clipping and the weight average against their closed forms, the
// embeddings and the specification's checks.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "Adam.h"
#include "Embedding.h"
#include "InputError.h"
#include "Loss.h"
#include "ReferenceMlp.h"
#include "Rng.h"

using namespace flowscope;

namespace {

MlpSpec smallSpec(Activation a, bool residual, EmbeddingKind e) {
  MlpSpec s;
  s.inputs = 2;
  s.outputs = 2;
  s.width = 16;
  s.depth = 3;
  s.activation = a;
  s.residual = residual;
  s.embedding.kind = e;
  s.embedding.width = 4;
  s.embedding.scale = 1.0;
  s.seed = 5;
  return s;
}

struct Batch {
  std::vector<double> x, c, target, weights;
};

Batch randomBatch(size_t n, uint64_t seed) {
  Pcg32 rng(seed);
  Batch b;
  for (size_t r = 0; r < n; ++r) {
    b.x.push_back(rng.normal());
    b.x.push_back(rng.normal());
    b.c.push_back(rng.uniform());
    b.target.push_back(rng.normal());
    b.target.push_back(rng.normal());
    b.weights.push_back(0.5 + rng.uniform());
  }
  return b;
}

double lossOf(ReferenceMlp& mlp, const std::vector<double>& p, const std::vector<double>& x,
              const Batch& b, std::vector<double>* dy = nullptr) {
  const std::vector<double> y = mlp.forward(p, x, b.c);
  std::vector<double> g(y.size());
  const double l = weightedSquaredError(y, b.target, b.weights, 2, g);
  if (dy) *dy = g;
  return l;
}

}  // namespace

// dL/dparams and dL/dx of every activation, with and without residual connections and
// embeddings, against central differences (h = 1e-6) of the same double forward pass.
TEST(ReferenceMlp, GradientsMatchCentralDifferences) {
  for (Activation a :
       {Activation::Relu, Activation::Silu, Activation::Gelu, Activation::Tanh, Activation::Elu})
    for (bool residual : {false, true})
      for (EmbeddingKind e :
           {EmbeddingKind::None, EmbeddingKind::Sinusoidal, EmbeddingKind::RandomFourier}) {
        SCOPED_TRACE(activationName(a) + (residual ? " residual " : " ") + embeddingName(e));
        const MlpSpec spec = smallSpec(a, residual, e);
        ReferenceMlp mlp(spec);
        std::vector<double> p = initialParameters(spec);
        const Batch b = randomBatch(3, 11);
        std::vector<double> dy, grad(p.size(), 0.0);
        lossOf(mlp, p, b.x, b, &dy);
        const std::vector<double> dx = mlp.backward(p, dy, grad);
        const double h = 1e-6;
        for (size_t k = 0; k < p.size(); k += 7) {  // every 7th parameter: all layers covered
          std::vector<double> up = p, down = p;
          up[k] += h, down[k] -= h;
          const double fd = (lossOf(mlp, up, b.x, b) - lossOf(mlp, down, b.x, b)) / (2.0 * h);
          EXPECT_NEAR(grad[k], fd, 1e-6 * (1.0 + std::abs(fd))) << "parameter " << k;
        }
        for (size_t k = 0; k < b.x.size(); ++k) {
          std::vector<double> up = b.x, down = b.x;
          up[k] += h, down[k] -= h;
          const double fd = (lossOf(mlp, p, up, b) - lossOf(mlp, p, down, b)) / (2.0 * h);
          EXPECT_NEAR(dx[k], fd, 1e-6 * (1.0 + std::abs(fd))) << "input " << k;
        }
      }
}

// The loss's gradient against central differences, and its value by hand.
TEST(Loss, WeightedSquaredErrorByHandAndItsGradient) {
  const std::vector<double> y{1.0, 2.0, 3.0, 5.0}, t{0.0, 2.0, 1.0, 1.0}, w{2.0, 0.5};
  std::vector<double> dy(4);
  // (2 (1 + 0) + 0.5 (4 + 16)) / 2 = 6
  EXPECT_DOUBLE_EQ(weightedSquaredError(y, t, w, 2, dy), 6.0);
  EXPECT_DOUBLE_EQ(dy[0], 2.0 * 2.0 * 1.0 / 2.0);
  EXPECT_DOUBLE_EQ(dy[3], 2.0 * 0.5 * 4.0 / 2.0);
  std::vector<double> scratch(4);
  EXPECT_THROW(weightedSquaredError(y, t, std::vector<double>{1.0}, 2, scratch), InputError);
}

// Adam's first step moves every parameter by lr against the sign of its gradient (m / sqrt(v)
// is g / |g| after bias correction, up to epsilon); the second, with gradient g2 after g1, by
// hand.
TEST(Adam, FirstStepsByHand) {
  AdamOptions o;
  o.learningRate = 0.1;
  Adam adam(2, o);
  const std::vector<double> p0{1.0, -2.0}, g1{0.5, -3.0}, g2{-1.0, 1.0};
  std::vector<double> p = p0, g = g1;
  adam.step(p, g);
  std::vector<double> after1(2);
  for (size_t k = 0; k < 2; ++k) {
    after1[k] = p0[k] - 0.1 * g1[k] / (std::abs(g1[k]) + 1e-8);
    EXPECT_NEAR(p[k], after1[k], 1e-15);
    EXPECT_NEAR(p[k], p0[k] - 0.1 * (g1[k] > 0 ? 1.0 : -1.0), 1e-8);
  }
  g = g2;
  adam.step(p, g);
  // m = 0.9 (0.1 g1) + 0.1 g2, v = 0.999 (0.001 g1^2) + 0.001 g2^2; the hats divide them by
  // 1 - 0.9^2 and 1 - 0.999^2.
  for (size_t k = 0; k < 2; ++k) {
    const double m = (0.9 * 0.1 * g1[k] + 0.1 * g2[k]) / (1.0 - 0.81);
    const double v =
        (0.999 * 0.001 * g1[k] * g1[k] + 0.001 * g2[k] * g2[k]) / (1.0 - 0.999 * 0.999);
    EXPECT_NEAR(p[k], after1[k] - 0.1 * m / (std::sqrt(v) + 1e-8), 1e-12);
  }
  // AdamW's decoupled decay: p (1 - lr wd) first.
  o.weightDecay = 0.5;
  Adam adamw(1, o);
  std::vector<double> q{2.0}, gq{1.0};
  adamw.step(q, gq);
  EXPECT_NEAR(q[0], 2.0 * (1.0 - 0.05) - 0.1 / (1.0 + 1e-8), 1e-15);
}

// Clipping scales the gradient to the norm asked for; the schedule's warm-up, peak, middle and
// end; the weight average's closed form for a constant input.
TEST(Adam, ClippingScheduleAndWeightAverage) {
  AdamOptions o;
  o.clipNorm = 1.0;
  Adam adam(2, o);
  std::vector<double> p{0.0, 0.0}, g{3.0, 4.0};
  EXPECT_DOUBLE_EQ(adam.step(p, g), 5.0);
  EXPECT_NEAR(std::hypot(g[0], g[1]), 1.0, 1e-6);
  o.learningRate = 1.0;
  o.warmupSteps = 10;
  o.totalSteps = 110;
  o.minRate = 0.2;
  EXPECT_DOUBLE_EQ(learningRateAt(o, 0), 0.1);
  EXPECT_DOUBLE_EQ(learningRateAt(o, 9), 1.0);
  EXPECT_DOUBLE_EQ(learningRateAt(o, 10), 1.0);
  EXPECT_NEAR(learningRateAt(o, 60), 0.6, 1e-12);  // cosine half-way: the mean of the ends
  EXPECT_DOUBLE_EQ(learningRateAt(o, 110), 0.2);
  EXPECT_DOUBLE_EQ(learningRateAt(o, 500), 0.2);
  WeightAverage ema(0.9);
  ema.update(std::vector<double>{0.0});
  for (int k = 0; k < 5; ++k) ema.update(std::vector<double>{1.0});
  EXPECT_NEAR(ema.weights()[0], 1.0 - std::pow(0.9, 5), 1e-12);
  EXPECT_THROW(WeightAverage(1.0), InputError);
  o.beta1 = 1.0;
  EXPECT_THROW(Adam(1, o), InputError);
}

// Sinusoidal features at c = 0 are cos 0 = 1 then sin 0 = 0, with frequencies 10000^(-k/h);
// random Fourier ones are reproducible from their seed and scale with `scale`.
TEST(Embedding, SinusoidalAndRandomFourierFeatures) {
  EmbeddingSpec s;
  s.kind = EmbeddingKind::Sinusoidal;
  s.width = 8;
  Embedding sin(s);
  std::vector<double> f(8);
  sin.features(0.0, f);
  for (int k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(f[size_t(k)], 1.0);
  for (int k = 4; k < 8; ++k) EXPECT_DOUBLE_EQ(f[size_t(k)], 0.0);
  EXPECT_DOUBLE_EQ(sin.frequencies()[2], std::pow(10000.0, -0.5));
  sin.features(0.7, f);
  EXPECT_DOUBLE_EQ(f[5], std::sin(0.7 * std::pow(10000.0, -0.25)));
  s.kind = EmbeddingKind::RandomFourier;
  s.scale = 1.0;
  s.seed = 3;
  Embedding a(s), b(s);
  EXPECT_EQ(a.frequencies(), b.frequencies());
  s.scale = 2.0;
  Embedding c(s);
  for (size_t k = 0; k < 4; ++k) EXPECT_NEAR(c.frequencies()[k], 2.0 * a.frequencies()[k], 1e-12);
}

// The initial weights lie within PyTorch's nn.Linear bounds, the layout counts every parameter
// once, and bad specifications are refused naming the field.
TEST(MlpSpec, LayoutInitialisationAndChecks) {
  MlpSpec s = smallSpec(Activation::Silu, false, EmbeddingKind::RandomFourier);
  const MlpLayout l = layoutOf(s);
  ASSERT_EQ(l.layers.size(), 4u);
  EXPECT_EQ(l.count, size_t((6 * 16 + 16) + 2 * (16 * 16 + 16) + (16 * 2 + 2)));
  const std::vector<double> p = initialParameters(s);
  for (const auto& layer : l.layers)
    for (size_t k = layer.weights; k < layer.bias + size_t(layer.out); ++k)
      EXPECT_LE(std::abs(p[k]), 1.0 / std::sqrt(double(layer.in)));
  const auto refused = [&](auto edit, const std::string& field) {
    MlpSpec bad = s;
    edit(bad);
    try {
      validate(bad);
      ADD_FAILURE() << field << " accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  refused([](MlpSpec& m) { m.width = 8; }, "width");
  refused([](MlpSpec& m) { m.depth = 9; }, "depth");
  refused([](MlpSpec& m) { m.inputs = 65; }, "inputs");
  refused([](MlpSpec& m) { m.embedding.width = 5; }, "embedding width");
  EXPECT_THROW(parseActivation("swish"), InputError);
  EXPECT_EQ(parseActivation("gelu"), Activation::Gelu);
}
