#pragma once
// A critic network f: R^2 -> R trained on real and fake points (the engine's CriticMlp, float32,
// Adam with WGAN-GP's betas 0.5, 0.9), and the Kantorovich-Rubinstein estimate of W1 it gives.
//
//   W1(p, q) = sup over 1-Lipschitz f of E_p f - E_q f       (Kantorovich-Rubinstein duality)
//
// Losses the critic minimises on a minibatch (real from p, fake from q):
//   wasserstein  mean f(fake) - mean f(real)                  (Arjovsky et al. 2017)
//   logistic     mean softplus(-f(real)) + mean softplus(f(fake))   (the original GAN's
//                discriminator D = sigmoid(f), Goodfellow et al. 2014)
// and how f is kept Lipschitz:
//   none  nothing (the original GAN)
//   clip  every parameter clamped to [-c, c] after each step (WGAN; its f is c-scaled, far from
//         1-Lipschitz, so its raw estimate falls short of W1)
//   gp    + lambda mean (|grad f(u x_real + (1 - u) x_fake)| - 1)^2, u ~ U(0, 1) (WGAN-GP)
//   sn    every weight matrix divided by its largest singular value, one power iteration a step
//         (Miyato et al. 2018); the gradient passes through the division with u, v held fixed.
#include <glm/glm.hpp>

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "Adam.h"
#include "CriticMlp.h"
#include "PlanePoints.h"
#include "Rng.h"
#include "Transport.h"

namespace flowscope {

enum class LipschitzMethod { None, Clip, Penalty, Spectral };
std::string lipschitzName(LipschitzMethod m);             // "none" | "clip" | "gp" | "sn"
LipschitzMethod parseLipschitz(const std::string& name);  // InputError listing the names
enum class CriticLoss { Wasserstein, Logistic };
// The engine's layout for a network of the plane (2 inputs, no embedding): the critic's
// (1 output) and the GAN generator's (2); and Adam with WGAN-GP's betas (0.5, 0.9).
MlpSpec planeNetwork(int outputs, int width, int depth, Activation activation, uint64_t seed);
AdamOptions wganAdam(double learningRate);
// The logistic loss's pieces, overflow-free: log(1 + e^x) and 1 / (1 + e^-x).
inline double softplus(double x) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
inline double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

struct CriticSpec {
  LipschitzMethod method = LipschitzMethod::Penalty;
  double lambda = 10.0;  // gp: the penalty's weight, 0..1e4
  double clip = 0.01;    // clip: the bound c, (0, 10]
  int width = 64, depth = 3;
  Activation activation = Activation::Relu;
  int batch = 256;  // points of each side a step, 8..4096
  double learningRate = 1e-3;
  uint64_t seed = 1;
  bool operator==(const CriticSpec&) const = default;
};
// InputError naming the field ("lambda: ...").
void validate(const CriticSpec& spec);

class Critic {
 public:
  explicit Critic(const CriticSpec& spec);  // validates
  const CriticSpec& spec() const { return spec_; }
  // One step on real and fake minibatches (the same count); returns the loss (penalty included).
  double update(const std::vector<glm::dvec2>& real, const std::vector<glm::dvec2>& fake,
                CriticLoss loss);
  // f and grad f at the points, with the weights as they act (spectral: normalised).
  CriticMlpT<float>::Evaluation evaluate(std::span<const glm::dvec2> points) const;
  std::vector<double> values(std::span<const glm::dvec2> points) const;
  double maxGradientNorm(std::span<const glm::dvec2> points) const;
  std::span<const float> weights() const { return acting_; }
  const MlpSpec& network() const { return net_.spec(); }
  long steps() const { return adam_.steps(); }
  double lastPenalty() const { return lastPenalty_; }

 private:
  void refreshActing(bool iterate);  // the weights as they act; sn: a power iteration first
  void spectralBackward(std::span<float> grad) const;

  CriticSpec spec_;
  CriticMlpT<float> net_;
  std::vector<float> params_, acting_;
  AdamT<float> adam_;
  std::vector<std::vector<float>> u_, v_;  // sn: each layer's singular vectors
  std::vector<float> sigma_;               // sn: each layer's largest singular value
  Pcg32 rng_;
  double lastPenalty_ = 0.0;
};

// Draws from a weighted cloud by its weights (with replacement).
std::vector<glm::dvec2> drawFrom(const Measure& m, int count, Pcg32& rng);

// The Kantorovich-Rubinstein critic between p (source) and q (target): a Critic trained with the
// wasserstein loss, real from p and fake from q, so that E_p f - E_q f rises towards W1(p, q).
class DualCritic {
 public:
  DualCritic(const CriticSpec& spec, Measure p, Measure q);  // InputError
  void train(int steps);
  long steps() const { return critic_.steps(); }
  // E_p f - E_q f over the whole weighted clouds.
  double estimate() const;
  // |grad f| at most over the clouds and 2,048 points on segments between them (seeded).
  double maxGradientNorm() const;
  // estimate() / maxGradientNorm(): the estimate of f / L, which is 1-Lipschitz where the probes
  // see its steepest slope L; a lower bound of W1 then, whatever the method (gp's soft penalty
  // lets |grad f| exceed 1 and its raw estimate overshoot; clipping's f is far flatter than 1).
  double normalisedEstimate() const;
  const Critic& critic() const { return critic_; }
  struct Record {
    long step;
    double estimate, loss;
  };
  const std::vector<Record>& history() const { return history_; }  // every 10th step
  const Measure& source() const { return p_; }
  const Measure& target() const { return q_; }

 private:
  Measure p_, q_;
  Critic critic_;
  Pcg32 rng_;
  std::vector<glm::dvec2> probes_;  // where maxGradientNorm looks
  std::vector<Record> history_;
  // estimate() and maxGradientNorm() as of the step they were computed at (a frame asks several
  // times).
  mutable long estimateStep_ = -1, normStep_ = -1;
  mutable double estimate_ = 0.0, norm_ = 0.0;
};

}  // namespace flowscope
