#pragma once
// What a network is trained to predict, as a regression batch (network inputs, noise level or
// time, targets, per-sample weights) made from clean samples x0 and fresh noise eps ~ N(0, I):
//
// - edm (Karras et al. 2022, "Elucidating...", Table 1): ln sigma ~ N(P_mean, P_std^2),
//   x = x0 + sigma eps; c_skip = sd^2 / (sigma^2 + sd^2), c_out = sigma sd / sqrt(sigma^2 + sd^2),
//   c_in = 1 / sqrt(sigma^2 + sd^2), c_noise = ln(sigma) / 4. The network F sees (c_in x,
//   c_noise) and regresses (x0 - c_skip x) / c_out; with lambda(sigma) = 1 / c_out^2 the weight
//   per sample is 1 and D(x) = c_skip x + c_out F.
// - ddpm-eps (Ho et al. 2020): t uniform in {0 .. T-1} on the linear or cosine schedule,
//   x = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps, target eps, level t / T.
// - ddpm-v (Salimans & Ho 2022): the same x, target v = sqrt(ab_t) eps - sqrt(1 - ab_t) x0.
// - flow (Lipman et al. 2023; Liu et al. 2023): x_t = (1 - t) x0 + t eps, target eps - x0 (the
//   app's convention: t = 0 data, t = 1 noise), t uniform or logit-normal (m, s) as in SD3
//   (Esser et al. 2024), level t.
#include <glm/glm.hpp>

#include <span>
#include <string>
#include <vector>

#include "ExactModel.h"
#include "NoiseSchedule.h"
#include "Rng.h"

namespace flowscope {

enum class ObjectiveKind { Edm, DdpmEpsilon, DdpmV, Flow };
std::string objectiveName(ObjectiveKind k);  // "edm", "ddpm-eps", "ddpm-v", "flow"
ObjectiveKind parseObjective(const std::string& name);
enum class TimeSampling { Uniform, LogitNormal };
std::string timeSamplingName(TimeSampling t);  // "uniform", "logit-normal"
TimeSampling parseTimeSampling(const std::string& name);

struct ObjectiveSpec {
  ObjectiveKind kind = ObjectiveKind::Flow;
  double sigmaData = 0.5, pMean = -1.2, pStd = 1.2;  // edm
  ScheduleKind schedule = ScheduleKind::Linear;      // ddpm: linear or cosine
  int trainSteps = 1000;
  TimeSampling timeSampling = TimeSampling::Uniform;  // flow
  double tMean = 0.0, tStd = 1.0;                     // flow, logit-normal
};
void validate(const ObjectiveSpec& s);  // InputError naming the field

struct RegressionBatch {
  std::vector<double> input;   // batch x 2: what the network sees as x
  std::vector<double> level;   // batch: c_noise, t / T or t
  std::vector<double> target;  // batch x 2
  std::vector<double> weight;  // batch
  // Each sample's noisy point as the exact models take it: x = s x0 + tau eps (batch x 2, batch,
  // batch), for the irreducible loss.
  std::vector<double> noisy, s, tau;
};

class Objective {
 public:
  explicit Objective(const ObjectiveSpec& spec);  // validates
  const ObjectiveSpec& spec() const { return spec_; }
  // A batch from clean samples x0, with noise and levels drawn from rng.
  RegressionBatch batch(std::span<const glm::dvec2> x0, Pcg32& rng) const;
  // The same with each sample's noise given (a coupling's or reflow's partner of x0).
  RegressionBatch batch(std::span<const glm::dvec2> x0, std::span<const glm::dvec2> eps,
                        Pcg32& rng) const;
  // EDM's preconditioning at sigma (c_skip, c_out, c_in, c_noise).
  struct Preconditioning {
    double skip, out, in, noise;
  };
  Preconditioning edm(double sigma) const;
  // The target the best possible network predicts for a sample: the objective's target with x0
  // replaced by the exact denoiser D = E[x0 | x] at the sample's noisy point.
  glm::dvec2 optimalTarget(glm::dvec2 denoised, glm::dvec2 noisy, double s, double tau) const;

  // A trained network asked for the denoiser at a point x = s x0 + tau eps of any process: what
  // it sees and its level, then D from its output F.  edm (sigma = tau / s): (c_in x / s,
  // c_noise), D = c_skip x / s + c_out F.  flow: t = tau / (s + tau), x_t = x / (s + tau),
  // D = x_t - t F.  ddpm: r = sqrt(s^2 + tau^2), alpha-bar = (s / r)^2 and the fractional step t
  // whose alpha-bar it is (interpolated in the schedule's table, clamped to 0..T-1), input x / r,
  // level t / T; D = (x / r - sqrt(1 - ab) F) / sqrt(ab) for eps, sqrt(ab) x / r - sqrt(1 - ab) F
  // for v. LearnedModel answers tau = 0 with D = x / s without asking.
  struct Query {
    glm::dvec2 input;
    double level;
  };
  Query query(glm::dvec2 x, double s, double tau) const;
  glm::dvec2 denoised(glm::dvec2 x, double s, double tau, glm::dvec2 output) const;
  // ddpm: the fractional step whose alpha-bar is ab (0 .. T-1), for the GPU twin as well.
  double ddpmStep(double alphaBar) const;
  const std::vector<double>& alphaBar() const { return alphaBar_; }

 private:
  struct Sample {
    glm::dvec2 input;
    double level;
    glm::dvec2 target;
    glm::dvec2 noisy;  // s x0 + tau eps
    double s, tau;
  };
  Sample edmSample(glm::dvec2 x0, glm::dvec2 eps, Pcg32& rng) const;
  Sample ddpmSample(glm::dvec2 x0, glm::dvec2 eps, Pcg32& rng) const;
  Sample flowSample(glm::dvec2 x0, glm::dvec2 eps, Pcg32& rng) const;
  double drawTime(Pcg32& rng) const;  // flow: uniform or logit-normal in (0, 1)
  ObjectiveSpec spec_;
  std::vector<double> alphaBar_;  // ddpm
};

// The loss of the exact model under this objective, E |target* - target|^2, over a batch made
// from x0 (the floor no network can go below; the gap above it is what is left to learn).
double irreducibleLoss(const Objective& objective, const ExactModel& model,
                       std::span<const glm::dvec2> x0, Pcg32& rng);
// The same on a batch already made (a held-out batch, so the floor and the network's held-out
// loss see the same noise).
double irreducibleLoss(const Objective& objective, const ExactModel& model,
                       const RegressionBatch& batch);

}  // namespace flowscope
