#pragma once
// The lab's samplers, on any process x = s x0 + tau eps (NoiseSchedule.h) and any exact model.
// CPU twins here; shaders/sampler_step.comp is the GPU kernel. Conventions (named in the UI, the
// CLI's --help and the README):
//   ddpm            ancestral: x' ~ q(x' | x, x0 = D(x)), posterior of the (strided) VP chain
//   ddim            x' = s' x0 + sqrt(1 - abar' - c^2) eps + c z,
//                   c = eta sqrt((1 - abar')/(1 - abar)) sqrt(1 - abar/abar'); eta = 1 is ddpm
//   euler, heun     probability-flow ODE in sigma on xh = x / s: dxh/dsigma = (xh - D) / sigma
//                   (EDM Algorithm 1; heun's last step, to sigma = 0, is Euler)
//   edm-stochastic  EDM Algorithm 2: churn gamma = min(S_churn/N, sqrt2 - 1) for sigma in
//                   [S_tmin, S_tmax], xh += sqrt(sh^2 - sigma^2) S_noise z, then a Heun step from
//                   sh
//   euler-maruyama  reverse SDE in sigma: xh' = xh + (sigma^2 - sigma'^2) score + sqrt(sigma^2 -
//                   sigma'^2) z; the last step (to sigma = 0) is the Tweedie denoise xh' = D
//   dpmpp-2m        DPM-Solver++(2M) (Lu et al. 2022) in lambda = -log sigma, as in k-diffusion
//   langevin        annealed Langevin dynamics (Song & Ermon 2019): at level sigma_i, T steps of
//                   x += (a/2) score + sqrt(a) z with a = eps_L sigma_i^2 / sigma_min^2; the last
//                   level ends with the Tweedie denoise x = D
//   flow-euler, flow-midpoint, flow-heun   the flow ODE dx/dt = v = (x - D) / t = E[eps - x0 | x]
// Noise z is N(0, I) from a counter-based hash of (seed, step, particle, draw): the same on both
// backends and for every sampler, so side-by-side runs see identical noise.
#include <glm/glm.hpp>

#include <span>
#include <string>
#include <vector>

#include "ExactModel.h"
#include "NoiseSchedule.h"
#include "ShaderLayout.h"

namespace flowscope {

enum class SamplerKind : uint32_t {
  Ddpm,
  Ddim,
  Euler,
  Heun,
  EdmStochastic,
  EulerMaruyama,
  DpmPP2M,
  Langevin,
  FlowEuler,
  FlowMidpoint,
  FlowHeun
};

const std::vector<SamplerKind>& allSamplers();
std::string samplerKindName(SamplerKind kind);
SamplerKind parseSamplerKind(const std::string& name);  // throws InputError listing the names
// Throws InputError saying which schedules the sampler works with.
void checkCompatible(SamplerKind sampler, ScheduleKind schedule);
// The schedules a sampler works with, its customary one first.
std::vector<ScheduleKind> compatibleSchedules(SamplerKind sampler);
inline ScheduleKind customarySchedule(SamplerKind sampler) {
  return compatibleSchedules(sampler).front();
}
// flow-euler, flow-midpoint, flow-heun: the samplers of the flow ODE (a coupling applies to them).
inline bool isFlowSampler(SamplerKind kind) {
  return kind == SamplerKind::FlowEuler || kind == SamplerKind::FlowMidpoint ||
         kind == SamplerKind::FlowHeun;
}

struct SamplerParams {
  SamplerKind kind = SamplerKind::Heun;
  double eta = 0.0;                                              // ddim
  double sChurn = 0.0, sTmin = 0.0, sTmax = 1e30, sNoise = 1.0;  // edm-stochastic
  double langevinEps = 2e-5;       // langevin: step at the smallest level
  int langevinStepsPerLevel = 20;  // langevin: T
};
// Accepted ranges: eta 0..1, S_churn 0..1000, S_tmin <= S_tmax in 0..1e30 (1e30: no bound),
// S_noise (0, 10], Langevin eps (0, 1] and steps per level 1..1000.
inline constexpr double kMaxSChurn = 1000.0, kMaxSNoise = 10.0, kUnboundedSigma = 1e30;
void validate(const SamplerParams& p);  // throws InputError naming the flag
// The pair: compatible kinds (checkCompatible), Langevin's eps at most 2 sigma_min^2 (a stable
// step at the smallest level: (a/2) |score| never overshoots a mode) and its steps x T within
// limits::kMaxEvaluations.
void validate(const SamplerParams& p, const ScheduleParams& schedule);

// Denoiser evaluations of step i of an N-step run (levels.size() == N + 1).
int stepEvaluations(const SamplerParams& p, const std::vector<NoiseLevel>& levels, int i);

// Host-side description of step i -> i + 1, uniform over particles (also the GPU's push constants).
struct StepContext {
  SamplerKind kind;
  NoiseLevel cur, next;
  int step = 0, steps = 0;
  uint32_t seed = 0;
  double eta = 0.0;
  double churnGamma = 0.0, sNoise = 1.0;
  double hLast = 0.0;  // dpmpp-2m: log sigma_{i-1} - log sigma_i (0: no history yet)
  double langevinAlpha = 0.0;
  int langevinSteps = 0;
};
StepContext makeStepContext(const SamplerParams& p, const std::vector<NoiseLevel>& levels, int i,
                            uint32_t seed);

// The state of one particle: position and one auxiliary vector (dpmpp-2m's previous denoised).
// Same layout as the GPU's vec4 states.
using ParticleState = glm::vec4;
FLOWSCOPE_SHADER_SIZE(ParticleState, 16);  // a vec4 of the states buffers (sampler_step.comp)

// src[i] is particle firstParticle + i (its index picks its noise).
void samplerStepCpu(const ExactModel& model, const StepContext& ctx,
                    std::span<const ParticleState> src, std::span<ParticleState> dst,
                    uint32_t firstParticle = 0);

// Counter-based Gaussian pair: pcg_hash chain over (seed, step, particle, draw), 24-bit
// uniforms, Box-Muller in float. shaders/noise.glsl computes the same.
glm::vec2 counterGaussian(uint32_t seed, uint32_t step, uint32_t particle, uint32_t draw);
uint32_t pcgHash(uint32_t v);

}  // namespace flowscope
