#include "NoiseSchedule.h"

#include <cmath>
#include <numbers>

#include "EnumNames.h"
#include "InputError.h"
#include "Limits.h"

namespace flowscope {

namespace {
NoiseLevel vpLevelAt(double t, double alphaBar) {
  return {t, std::sqrt(alphaBar), std::sqrt(1.0 - alphaBar)};
}
}  // namespace

namespace {
const NamedValue<ScheduleKind> kSchedules[] = {
    {ScheduleKind::Linear, "linear"}, {ScheduleKind::Cosine, "cosine"},
    {ScheduleKind::Vp, "vp"},         {ScheduleKind::Ve, "ve"},
    {ScheduleKind::Karras, "karras"}, {ScheduleKind::Flow, "flow"}};
const NamedValue<Spacing> kSpacings[] = {{Spacing::Leading, "leading"},
                                         {Spacing::Trailing, "trailing"},
                                         {Spacing::Linspace, "linspace"}};
}  // namespace

std::string scheduleName(ScheduleKind kind) {
  return nameIn(kSchedules, kind);
}

ScheduleKind parseSchedule(const std::string& name) {
  return parseIn(kSchedules, name, "schedule");
}

std::string spacingName(Spacing spacing) {
  return nameIn(kSpacings, spacing);
}

Spacing parseSpacing(const std::string& name) {
  return parseIn(kSpacings, name, "spacing");
}
void validate(const ScheduleParams& p) {
  if (p.steps < 1 || p.steps > 1000) throw InputError("steps: must be between 1 and 1000");
  // The sigma range is kept with every schedule (the panel switches back to it): always valid.
  validateSigmaRange(p.sigmaMin, p.sigmaMax);
  switch (p.kind) {
    case ScheduleKind::Linear:
    case ScheduleKind::Cosine:
      if (p.steps > p.trainSteps)
        throw InputError("steps: a discrete schedule has only " + std::to_string(p.trainSteps) +
                         " timesteps");
      if (p.kind == ScheduleKind::Linear &&
          !(p.betaStart > 0 && p.betaEnd > p.betaStart && p.betaEnd < 1))
        throw InputError("beta_end: need 0 < beta_start < beta_end < 1");
      break;
    case ScheduleKind::Vp:
      if (!(p.betaMin > 0 && p.betaMax > p.betaMin))
        throw InputError("beta_max: need 0 < beta_min < beta_max");
      if (!(p.tMin > 0 && p.tMin < 1)) throw InputError("t_min: must be in (0, 1)");
      break;
    case ScheduleKind::Karras:
      validate(KarrasParams{p.sigmaMin, p.sigmaMax, p.rho, p.steps});
      break;
    case ScheduleKind::Ve:
      validateSigmaRange(p.sigmaMin, p.sigmaMax);
      break;
    case ScheduleKind::Flow:
      break;
  }
}

std::vector<double> discreteAlphaBar(const ScheduleParams& p) {
  const int T = p.trainSteps;
  std::vector<double> alphaBar(T);
  double prod = 1.0;
  if (p.kind == ScheduleKind::Linear) {
    for (int i = 0; i < T; ++i) {
      double beta = p.betaStart + (p.betaEnd - p.betaStart) * i / (T - 1);
      prod *= 1.0 - beta;
      alphaBar[i] = prod;
    }
    return alphaBar;
  }
  // Cosine: betas from the continuous alphabar, clipped at 0.999 (improved-diffusion).
  auto f = [&](double t) {
    double c = std::cos((t + p.cosineOffset) / (1.0 + p.cosineOffset) * std::numbers::pi / 2.0);
    return c * c;
  };
  for (int i = 0; i < T; ++i) {
    double beta = std::min(1.0 - f(double(i + 1) / T) / f(double(i) / T), 0.999);
    prod *= 1.0 - beta;
    alphaBar[i] = prod;
  }
  return alphaBar;
}

std::vector<int> discreteTimesteps(int T, int N, Spacing spacing) {
  std::vector<int> ts(N);
  for (int k = 0; k < N; ++k) {
    switch (spacing) {
      case Spacing::Leading:
        ts[k] = (N - 1 - k) * (T / N);
        break;
      case Spacing::Trailing:
        ts[k] = int(std::lround(T - k * double(T) / N)) - 1;
        break;
      case Spacing::Linspace:
        ts[k] = N == 1 ? T - 1 : int(std::lround((T - 1) * double(N - 1 - k) / (N - 1)));
        break;
    }
  }
  return ts;
}

NoiseLevel levelAt(const ScheduleParams& p, double t) {
  validate(p);
  auto need = [&](bool ok, const std::string& range) {
    if (!ok || !std::isfinite(t))
      throw InputError("t: must be " + range + " for the " + scheduleName(p.kind) + " schedule");
  };
  switch (p.kind) {
    case ScheduleKind::Linear:
    case ScheduleKind::Cosine: {
      need(t >= 0 && t <= p.trainSteps - 1 && t == std::floor(t),
           "an integer timestep 0.." + std::to_string(p.trainSteps - 1));
      return vpLevelAt(t, discreteAlphaBar(p)[size_t(t)]);
    }
    case ScheduleKind::Vp:
      need(t >= 1e-5 && t <= 1.0, "in [1e-5, 1]");
      return vpLevelAt(t, std::exp(-0.5 * t * t * (p.betaMax - p.betaMin) - t * p.betaMin));
    case ScheduleKind::Ve:
      need(t >= 0 && t <= 1.0, "in [0, 1]");
      return {t, 1.0, p.sigmaMin * std::pow(p.sigmaMax / p.sigmaMin, t)};
    case ScheduleKind::Karras:
      need(t >= 0 && t <= limits::kMaxSigma,
           "a noise level sigma in [0, " + formatNumber(limits::kMaxSigma) + "]");
      return {t, 1.0, t};
    case ScheduleKind::Flow:
      need(t >= 0 && t <= 1.0, "in [0, 1]");
      return {t, 1.0 - t, t};
  }
  return {};
}

std::vector<NoiseLevel> buildSchedule(const ScheduleParams& p) {
  validate(p);
  const int N = p.steps;
  std::vector<NoiseLevel> levels;
  switch (p.kind) {
    case ScheduleKind::Linear:
    case ScheduleKind::Cosine: {
      auto alphaBar = discreteAlphaBar(p);
      for (int t : discreteTimesteps(p.trainSteps, N, p.spacing))
        levels.push_back(vpLevelAt(t, alphaBar[t]));
      levels.push_back({-1.0, 1.0, 0.0});  // the data: "timestep -1", alphabar = 1
      break;
    }
    case ScheduleKind::Vp:
      for (int i = 0; i < N; ++i) {
        double t = N == 1 ? 1.0 : 1.0 + (p.tMin - 1.0) * i / (N - 1);
        levels.push_back(
            vpLevelAt(t, std::exp(-0.5 * t * t * (p.betaMax - p.betaMin) - t * p.betaMin)));
      }
      levels.push_back({0.0, 1.0, 0.0});
      break;
    case ScheduleKind::Ve:
      for (int i = 0; i < N; ++i) {
        double t = N == 1 ? 1.0 : 1.0 - double(i) / (N - 1);
        levels.push_back({t, 1.0, p.sigmaMin * std::pow(p.sigmaMax / p.sigmaMin, t)});
      }
      levels.push_back({0.0, 1.0, 0.0});
      break;
    case ScheduleKind::Karras:
      for (double sigma : karrasSigmas(KarrasParams{p.sigmaMin, p.sigmaMax, p.rho, N}))
        levels.push_back({sigma, 1.0, sigma});
      break;
    case ScheduleKind::Flow:
      for (int i = 0; i <= N; ++i) {
        double t = 1.0 - double(i) / N;
        levels.push_back({t, 1.0 - t, t});
      }
      break;
  }
  return levels;
}

}  // namespace flowscope
