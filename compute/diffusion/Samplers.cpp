#include "Samplers.h"

#include <algorithm>
#include <cmath>

#include "InputError.h"
#include "Limits.h"
#include "Parallel.h"

namespace flowscope {
namespace {

using S = SamplerKind;
using K = ScheduleKind;

}  // namespace

const std::vector<SamplerKind>& allSamplers() {
  static const std::vector<SamplerKind> all = {
      S::Ddpm,    S::Ddim,     S::Euler,     S::Heun,         S::EdmStochastic, S::EulerMaruyama,
      S::DpmPP2M, S::Langevin, S::FlowEuler, S::FlowMidpoint, S::FlowHeun};
  return all;
}

std::string samplerKindName(SamplerKind kind) {
  switch (kind) {
    case S::Ddpm:
      return "ddpm";
    case S::Ddim:
      return "ddim";
    case S::Euler:
      return "euler";
    case S::Heun:
      return "heun";
    case S::EdmStochastic:
      return "edm-stochastic";
    case S::EulerMaruyama:
      return "euler-maruyama";
    case S::DpmPP2M:
      return "dpmpp-2m";
    case S::Langevin:
      return "langevin";
    case S::FlowEuler:
      return "flow-euler";
    case S::FlowMidpoint:
      return "flow-midpoint";
    case S::FlowHeun:
      return "flow-heun";
  }
  return "?";
}

SamplerKind parseSamplerKind(const std::string& name) {
  std::string names;
  for (SamplerKind k : allSamplers()) {
    if (samplerKindName(k) == name) return k;
    names += (names.empty() ? "" : ", ") + samplerKindName(k);
  }
  throw InputError("sampler: unknown '" + name + "' (valid: " + names + ")");
}

std::vector<ScheduleKind> compatibleSchedules(SamplerKind sampler) {
  switch (sampler) {
    case S::Ddpm:
    case S::Ddim:
      return {K::Linear, K::Cosine, K::Vp};
    case S::Langevin:
      return {K::Ve};
    case S::FlowEuler:
    case S::FlowMidpoint:
    case S::FlowHeun:
      return {K::Flow};
    default:
      return {K::Karras, K::Ve, K::Vp, K::Linear, K::Cosine};  // the customary one first
  }
}

void checkCompatible(SamplerKind sampler, ScheduleKind schedule) {
  auto ok = compatibleSchedules(sampler);
  if (std::find(ok.begin(), ok.end(), schedule) != ok.end()) return;
  std::string names;
  for (auto k : ok) names += (names.empty() ? "" : ", ") + scheduleName(k);
  throw InputError("schedule: " + samplerKindName(sampler) + " does not work with the " +
                   scheduleName(schedule) + " schedule (it works with: " + names + ")");
}

namespace {

void requirePositiveAtMost(const std::string& field, double v, double hi) {
  if (!(v > 0.0 && v <= hi))
    throw InputError(field + ": must be above 0 and at most " + formatNumber(hi) + " (got " +
                     formatNumber(v) + ")");
}

}  // namespace

void validate(const SamplerParams& p) {
  requireInRange("eta", p.eta, 0.0, 1.0);
  requireInRange("s-churn", p.sChurn, 0.0, kMaxSChurn);
  requireInRange("s-tmin", p.sTmin, 0.0, kUnboundedSigma);
  requireInRange("s-tmax", p.sTmax, 0.0, kUnboundedSigma);
  if (!(p.sTmax >= p.sTmin)) throw InputError("s-tmax: need 0 <= s-tmin <= s-tmax");
  requirePositiveAtMost("s-noise", p.sNoise, kMaxSNoise);
  requirePositiveAtMost("langevin-eps", p.langevinEps, 1.0);
  if (p.langevinStepsPerLevel < 1 || p.langevinStepsPerLevel > 1000)
    throw InputError("langevin-steps: must be between 1 and 1000");
}

void validate(const SamplerParams& p, const ScheduleParams& schedule) {
  checkCompatible(p.kind, schedule.kind);
  if (p.kind != S::Langevin) return;
  const double bound = 2.0 * schedule.sigmaMin * schedule.sigmaMin;
  if (!(p.langevinEps <= bound))
    throw InputError("langevin-eps: must be at most 2 sigma_min^2 = " + formatNumber(bound) +
                     " (got " + formatNumber(p.langevinEps) +
                     "): a larger step overshoots the modes at the smallest noise level and "
                     "diverges; lower it or raise sigma_min");
  const long nfe = long(schedule.steps) * (p.langevinStepsPerLevel + 1);
  if (nfe > limits::kMaxEvaluations)
    throw InputError("langevin-steps: " + std::to_string(schedule.steps) + " levels x " +
                     std::to_string(p.langevinStepsPerLevel) + " steps is above the budget of " +
                     std::to_string(limits::kMaxEvaluations) + " model evaluations per run");
}

int stepEvaluations(const SamplerParams& p, const std::vector<NoiseLevel>& levels, int i) {
  const bool toData = levels[i + 1].tau == 0.0;
  switch (p.kind) {
    case S::Heun:
    case S::EdmStochastic:
    case S::FlowHeun:
      return toData ? 1 : 2;
    case S::FlowMidpoint:
      return 2;
    case S::Langevin:
      return p.langevinStepsPerLevel + (toData ? 1 : 0);
    default:
      return 1;
  }
}

StepContext makeStepContext(const SamplerParams& p, const std::vector<NoiseLevel>& levels, int i,
                            uint32_t seed) {
  StepContext c;
  c.kind = p.kind;
  c.cur = levels[i];
  c.next = levels[i + 1];
  c.step = i;
  c.steps = int(levels.size()) - 1;
  c.seed = seed;
  c.eta = p.eta;
  c.sNoise = p.sNoise;
  const double sigma = c.cur.sigma();
  if (p.kind == S::EdmStochastic && sigma >= p.sTmin && sigma <= p.sTmax)
    c.churnGamma = std::min(p.sChurn / c.steps, std::sqrt(2.0) - 1.0);
  if (p.kind == S::DpmPP2M && i > 0) c.hLast = std::log(levels[i - 1].sigma()) - std::log(sigma);
  if (p.kind == S::Langevin) {
    const double sigmaMin = levels[levels.size() - 2].sigma();
    c.langevinAlpha = p.langevinEps * sigma * sigma / (sigmaMin * sigmaMin);
    c.langevinSteps = p.langevinStepsPerLevel;
  }
  return c;
}

uint32_t pcgHash(uint32_t v) {
  uint32_t state = v * 747796405u + 2891336453u;
  uint32_t word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

glm::vec2 counterGaussian(uint32_t seed, uint32_t step, uint32_t particle, uint32_t draw) {
  uint32_t h1 = pcgHash(seed ^ pcgHash(step * 0x9E3779B9u ^ pcgHash(particle * 4u + draw)));
  uint32_t h2 = pcgHash(h1 ^ 0x68E31DA4u);
  float u1 = (float(h1 >> 8) + 0.5f) / 16777216.0f;
  float u2 = float(h2 >> 8) / 16777216.0f;
  float r = std::sqrt(-2.0f * std::log(u1));
  float th = 6.28318530718f * u2;
  return r * glm::vec2(std::cos(th), std::sin(th));
}

namespace {

// Draw k of this particle in this step (Langevin uses one per inner iteration).
struct Noise {
  const StepContext& c;
  uint32_t particle;
  glm::dvec2 operator()(uint32_t draw) const {
    return glm::dvec2(counterGaussian(c.seed, uint32_t(c.step), particle, draw));
  }
};

ParticleState stepOne(const ExactModel& m, const StepContext& c, ParticleState in, const Noise& z) {
  glm::dvec2 x(in.x, in.y), aux(in.z, in.w);
  const NoiseLevel a = c.cur, b = c.next;
  auto D = [&](glm::dvec2 xp, double s, double tau) { return m.denoise(xp, s, tau); };
  switch (c.kind) {
    case S::Ddpm:
    case S::Ddim: {
      const glm::dvec2 x0 = D(x, a.s, a.tau);
      const double ab = a.alphaBar(), abNext = b.alphaBar();
      if (c.kind == S::Ddpm) {
        if (b.tau == 0.0) return {glm::vec2(x0), in.z, in.w};
        const double beta = 1.0 - ab / abNext;
        const double var = (1.0 - abNext) / (1.0 - ab) * beta;
        x = std::sqrt(abNext) * beta / (1.0 - ab) * x0 +
            std::sqrt(1.0 - beta) * (1.0 - abNext) / (1.0 - ab) * x + std::sqrt(var) * z(0);
        return {glm::vec2(x), in.z, in.w};
      }
      const glm::dvec2 eps = (x - a.s * x0) / a.tau;
      const double ci =
          c.eta * std::sqrt((1.0 - abNext) / (1.0 - ab)) * std::sqrt(1.0 - ab / abNext);
      x = b.s * x0 + std::sqrt(std::max(0.0, 1.0 - abNext - ci * ci)) * eps +
          (ci > 0.0 ? ci * z(0) : glm::dvec2(0.0));
      return {glm::vec2(x), in.z, in.w};
    }
    case S::Euler:
    case S::Heun:
    case S::EdmStochastic: {
      double sigma = a.sigma();
      const double sigmaNext = b.sigma();
      glm::dvec2 xh = x / a.s;
      if (c.kind == S::EdmStochastic && c.churnGamma > 0.0) {
        const double hat = sigma * (1.0 + c.churnGamma);
        xh += std::sqrt(hat * hat - sigma * sigma) * c.sNoise * z(0);
        sigma = hat;
      }
      const glm::dvec2 d = (xh - D(xh, 1.0, sigma)) / sigma;
      glm::dvec2 next = xh + (sigmaNext - sigma) * d;
      if (c.kind != S::Euler && sigmaNext > 0.0) {
        const glm::dvec2 d2 = (next - D(next, 1.0, sigmaNext)) / sigmaNext;
        next = xh + (sigmaNext - sigma) * (0.5 * d + 0.5 * d2);
      }
      return {glm::vec2(b.s * next), in.z, in.w};
    }
    case S::EulerMaruyama: {
      const double sigma = a.sigma(), sigmaNext = b.sigma();
      const glm::dvec2 xh = x / a.s;
      const glm::dvec2 den = D(xh, 1.0, sigma);
      if (sigmaNext == 0.0) return {glm::vec2(den), in.z, in.w};
      const double dv = sigma * sigma - sigmaNext * sigmaNext;
      const glm::dvec2 next = xh + dv * (den - xh) / (sigma * sigma) + std::sqrt(dv) * z(0);
      return {glm::vec2(b.s * next), in.z, in.w};
    }
    case S::DpmPP2M: {
      const double sigma = a.sigma(), sigmaNext = b.sigma();
      const glm::dvec2 xh = x / a.s;
      const glm::dvec2 den = D(xh, 1.0, sigma);
      glm::dvec2 next;
      if (sigmaNext == 0.0) {
        next = den;
      } else {
        const double h = std::log(sigma) - std::log(sigmaNext);
        glm::dvec2 dd = den;
        if (c.hLast > 0.0) {
          const double r = c.hLast / h;
          dd = (1.0 + 1.0 / (2.0 * r)) * den - (1.0 / (2.0 * r)) * aux;
        }
        next = (sigmaNext / sigma) * xh - std::expm1(-h) * dd;
      }
      return {glm::vec2(b.s * next), float(den.x), float(den.y)};
    }
    case S::Langevin: {
      const double sigma = a.sigma();
      for (int k = 0; k < c.langevinSteps; ++k) {
        const glm::dvec2 score = (D(x, 1.0, sigma) - x) / (sigma * sigma);
        x += 0.5 * c.langevinAlpha * score + std::sqrt(c.langevinAlpha) * z(uint32_t(k));
      }
      if (b.tau == 0.0) x = D(x, 1.0, sigma);
      return {glm::vec2(x), in.z, in.w};
    }
    case S::FlowEuler:
    case S::FlowMidpoint:
    case S::FlowHeun: {
      // v(x, t) = (x - D) / t for x = (1 - t) x0 + t eps.
      auto v = [&](glm::dvec2 xp, double t) { return (xp - D(xp, 1.0 - t, t)) / t; };
      const double t = a.t, tNext = b.t, h = tNext - t;
      const glm::dvec2 v1 = v(x, t);
      if (c.kind == S::FlowMidpoint)
        return {glm::vec2(x + h * v(x + 0.5 * h * v1, t + 0.5 * h)), in.z, in.w};
      glm::dvec2 next = x + h * v1;
      if (c.kind == S::FlowHeun && tNext > 0.0) next = x + h * 0.5 * (v1 + v(next, tNext));
      return {glm::vec2(next), in.z, in.w};
    }
  }
  return in;
}

}  // namespace

void samplerStepCpu(const ExactModel& model, const StepContext& ctx,
                    std::span<const ParticleState> src, std::span<ParticleState> dst,
                    uint32_t firstParticle) {
  parallelFor(
      src.size(),
      [&](size_t i) {
        dst[i] = stepOne(model, ctx, src[i], Noise{ctx, firstParticle + uint32_t(i)});
      },
      256);
}

}  // namespace flowscope
