#include "Objective.h"

#include <cmath>

#include "EnumNames.h"
#include "InputError.h"

namespace flowscope {
namespace {

const NamedValue<ObjectiveKind> kObjectives[] = {{ObjectiveKind::Edm, "edm"},
                                                 {ObjectiveKind::DdpmEpsilon, "ddpm-eps"},
                                                 {ObjectiveKind::DdpmV, "ddpm-v"},
                                                 {ObjectiveKind::Flow, "flow"}};
const NamedValue<TimeSampling> kTimeSamplings[] = {{TimeSampling::Uniform, "uniform"},
                                                   {TimeSampling::LogitNormal, "logit-normal"}};

bool ddpm(ObjectiveKind k) {
  return k == ObjectiveKind::DdpmEpsilon || k == ObjectiveKind::DdpmV;
}

}  // namespace

std::string objectiveName(ObjectiveKind k) {
  return nameIn(kObjectives, k);
}
ObjectiveKind parseObjective(const std::string& name) {
  return parseIn(kObjectives, name, "objective");
}
std::string timeSamplingName(TimeSampling t) {
  return nameIn(kTimeSamplings, t);
}
TimeSampling parseTimeSampling(const std::string& name) {
  return parseIn(kTimeSamplings, name, "t sampling");
}

void validate(const ObjectiveSpec& s) {
  if (!(s.sigmaData > 0.0 && s.sigmaData <= 1e3)) throw InputError("sigma_data: in (0, 1000]");
  if (!(std::abs(s.pMean) <= 10.0)) throw InputError("P_mean: in [-10, 10]");
  if (!(s.pStd > 0.0 && s.pStd <= 10.0)) throw InputError("P_std: in (0, 10]");
  if (ddpm(s.kind) && s.schedule != ScheduleKind::Linear && s.schedule != ScheduleKind::Cosine)
    throw InputError("schedule: ddpm objectives train on the linear or cosine schedule");
  if (s.trainSteps < 2 || s.trainSteps > 100000) throw InputError("train steps: 2 .. 100000");
  if (!(std::abs(s.tMean) <= 10.0)) throw InputError("t mean: in [-10, 10]");
  if (!(s.tStd > 0.0 && s.tStd <= 10.0)) throw InputError("t std: in (0, 10]");
}

Objective::Objective(const ObjectiveSpec& spec) : spec_((validate(spec), spec)) {
  if (ddpm(spec.kind)) {
    ScheduleParams p;
    p.kind = spec.schedule;
    p.trainSteps = spec.trainSteps;
    alphaBar_ = discreteAlphaBar(p);
  }
}

Objective::Preconditioning Objective::edm(double sigma) const {
  const double sd = spec_.sigmaData, r = std::sqrt(sigma * sigma + sd * sd);
  return {sd * sd / (r * r), sigma * sd / r, 1.0 / r, std::log(sigma) / 4.0};
}

double Objective::drawTime(Pcg32& rng) const {
  if (spec_.timeSampling == TimeSampling::Uniform) return rng.uniform();
  const double u = spec_.tMean + spec_.tStd * rng.normal();
  return 1.0 / (1.0 + std::exp(-u));
}

// One sample's network input, level and target, for x0 and its noise eps.
Objective::Sample Objective::edmSample(glm::dvec2 x0, glm::dvec2 eps, Pcg32& rng) const {
  const double sigma = std::exp(spec_.pMean + spec_.pStd * rng.normal());
  const Preconditioning c = edm(sigma);
  const glm::dvec2 noisy = x0 + sigma * eps;
  return {c.in * noisy, c.noise, (x0 - c.skip * noisy) / c.out, noisy, 1.0, sigma};
}

Objective::Sample Objective::ddpmSample(glm::dvec2 x0, glm::dvec2 eps, Pcg32& rng) const {
  const size_t t = std::min(alphaBar_.size() - 1, size_t(rng.uniform() * double(alphaBar_.size())));
  const double a = std::sqrt(alphaBar_[t]), s = std::sqrt(1.0 - alphaBar_[t]);
  const glm::dvec2 target = spec_.kind == ObjectiveKind::DdpmEpsilon ? eps : a * eps - s * x0;
  return {a * x0 + s * eps, double(t) / double(alphaBar_.size()), target, a * x0 + s * eps, a, s};
}

Objective::Sample Objective::flowSample(glm::dvec2 x0, glm::dvec2 eps, Pcg32& rng) const {
  const double t = drawTime(rng);
  return {(1.0 - t) * x0 + t * eps, t, eps - x0, (1.0 - t) * x0 + t * eps, 1.0 - t, t};
}

RegressionBatch Objective::batch(std::span<const glm::dvec2> x0, Pcg32& rng) const {
  std::vector<glm::dvec2> eps(x0.size());
  for (glm::dvec2& e : eps) e = glm::dvec2(rng.normal(), rng.normal());
  return batch(x0, eps, rng);
}

RegressionBatch Objective::batch(std::span<const glm::dvec2> x0, std::span<const glm::dvec2> noise,
                                 Pcg32& rng) const {
  if (noise.size() != x0.size()) throw InputError("batch: one noise sample per data sample");
  RegressionBatch b;
  for (size_t k = 0; k < x0.size(); ++k) {
    const glm::dvec2 x = x0[k], eps = noise[k];
    const Sample s = spec_.kind == ObjectiveKind::Edm    ? edmSample(x, eps, rng)
                     : spec_.kind == ObjectiveKind::Flow ? flowSample(x, eps, rng)
                                                         : ddpmSample(x, eps, rng);
    b.input.insert(b.input.end(), {s.input.x, s.input.y});
    b.target.insert(b.target.end(), {s.target.x, s.target.y});
    b.level.push_back(s.level);
    b.weight.push_back(1.0);
    b.noisy.insert(b.noisy.end(), {s.noisy.x, s.noisy.y});
    b.s.push_back(s.s);
    b.tau.push_back(s.tau);
  }
  return b;
}

glm::dvec2 Objective::optimalTarget(glm::dvec2 denoised, glm::dvec2 noisy, double s,
                                    double tau) const {
  if (spec_.kind == ObjectiveKind::Edm) {
    const Preconditioning c = edm(tau);
    return (denoised - c.skip * noisy) / c.out;
  }
  const glm::dvec2 eps = (noisy - s * denoised) / tau;
  if (spec_.kind == ObjectiveKind::Flow) return eps - denoised;
  if (spec_.kind == ObjectiveKind::DdpmEpsilon) return eps;
  return s * eps - tau * denoised;  // v
}

double Objective::ddpmStep(double ab) const {
  // alpha-bar falls with t: the last entry above ab, then linear interpolation to the next.
  const auto& a = alphaBar_;
  if (ab >= a.front()) return 0.0;
  if (ab <= a.back()) return double(a.size() - 1);
  size_t lo = 0, hi = a.size() - 1;  // a[lo] > ab >= a[hi]
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    (a[mid] > ab ? lo : hi) = mid;
  }
  return double(lo) + (a[lo] - ab) / (a[lo] - a[hi]);
}

// In s and tau (not sigma = tau / s), so the flow's noise end s = 0 is a point like any other.
Objective::Query Objective::query(glm::dvec2 x, double s, double tau) const {
  switch (spec_.kind) {
    case ObjectiveKind::Edm: {
      const Preconditioning c = edm(tau / s);
      return {c.in * x / s, c.noise};
    }
    case ObjectiveKind::Flow:
      return {x / (s + tau), tau / (s + tau)};
    default: {
      const double r = std::hypot(s, tau), ab = (s / r) * (s / r);
      return {x / r, ddpmStep(ab) / double(alphaBar_.size())};
    }
  }
}

glm::dvec2 Objective::denoised(glm::dvec2 x, double s, double tau, glm::dvec2 f) const {
  switch (spec_.kind) {
    case ObjectiveKind::Edm: {
      const Preconditioning c = edm(tau / s);
      return c.skip * x / s + c.out * f;
    }
    case ObjectiveKind::Flow:
      return x / (s + tau) - tau / (s + tau) * f;
    default: {
      const double r = std::hypot(s, tau), a = s / r, b = tau / r;
      return spec_.kind == ObjectiveKind::DdpmEpsilon ? (x / r - b * f) / a : a * x / r - b * f;
    }
  }
}

double irreducibleLoss(const Objective& objective, const ExactModel& model,
                       std::span<const glm::dvec2> x0, Pcg32& rng) {
  return irreducibleLoss(objective, model, objective.batch(x0, rng));
}

double irreducibleLoss(const Objective& objective, const ExactModel& model,
                       const RegressionBatch& b) {
  double loss = 0.0;
  for (size_t r = 0; r < b.s.size(); ++r) {
    const glm::dvec2 noisy(b.noisy[2 * r], b.noisy[2 * r + 1]);
    const glm::dvec2 d = model.evaluate(noisy, b.s[r], b.tau[r]).denoised;
    const glm::dvec2 best = objective.optimalTarget(d, noisy, b.s[r], b.tau[r]);
    const glm::dvec2 target(b.target[2 * r], b.target[2 * r + 1]);
    loss += b.weight[r] * glm::dot(best - target, best - target);
  }
  return loss / double(std::max<size_t>(1, b.s.size()));
}

}  // namespace flowscope
