#pragma once
// Every process in one parametrisation (Karras et al. 2022, eq. 7): x = s(t) * (x0 + sigma(t) *
// eps), written here as x = s * x0 + tau * eps with tau = s * sigma (the absolute noise level,
// finite also for flow matching at t = 1 where s = 0). A schedule turns N steps into N + 1 noise
// levels, from the start (pure noise at tau_0) to the data (s = 1, tau = 0).
//
//   linear  VP, discrete (DDPM, Ho et al. 2020): beta from 1e-4 to 0.02 over T = 1000,
//           alphabar_t = prod_{j <= t} (1 - beta_j), s = sqrt(alphabar), tau = sqrt(1 - alphabar)
//   cosine  VP, discrete (Nichol & Dhariwal 2021): alphabar(t) = f(t)/f(0),
//           f(t) = cos^2((t/T + 0.008)/1.008 * pi/2), beta clipped at 0.999
//   vp      VP SDE, continuous (Song et al. 2021): alphabar(t) = exp(-t^2 (bmax - bmin)/2 - t
//   bmin),
//           bmin 0.1, bmax 20, t from 1 to 1e-3 evenly
//   ve      VE (SMLD / score SDE): s = 1, sigma geometric from sigma_max to sigma_min
//   karras  EDM: s = 1, sigma_i = (smax^(1/rho) + i/(N-1)(smin^(1/rho) - smax^(1/rho)))^rho
//   flow    flow matching / rectified flow: x_t = (1 - t) x0 + t eps, t_i = 1 - i/N
//
// Discrete schedules choose N of the T timesteps by a spacing (peers disagree, so it is named):
//   leading   t = k * floor(T/N), k = N-1 .. 0           (DDIM / diffusers "leading")
//   trailing  t = round(T - k * T/N) - 1, k = 0 .. N-1   (diffusers "trailing", Lin et al. 2024)
//   linspace  t = round(linspace(T-1, 0, N))            (diffusers "linspace")
#include <string>
#include <vector>

#include "KarrasSchedule.h"

namespace flowscope {

enum class ScheduleKind { Linear, Cosine, Vp, Ve, Karras, Flow };
enum class Spacing { Leading, Trailing, Linspace };

std::string scheduleName(ScheduleKind kind);
ScheduleKind parseSchedule(const std::string& name);  // throws InputError listing the names
std::string spacingName(Spacing spacing);
Spacing parseSpacing(const std::string& name);

struct ScheduleParams {
  ScheduleKind kind = ScheduleKind::Karras;
  int steps = 18;
  Spacing spacing = Spacing::Trailing;  // discrete schedules only
  // Karras and VE: sigma range; Karras also rho.
  double sigmaMin = 0.002, sigmaMax = 80.0, rho = 7.0;
  // Discrete VP.
  int trainSteps = 1000;
  double betaStart = 1e-4, betaEnd = 0.02, cosineOffset = 0.008;
  // Continuous VP.
  double betaMin = 0.1, betaMax = 20.0, tMin = 1e-3;
};

// Throws InputError naming the field.
void validate(const ScheduleParams& p);

struct NoiseLevel {
  double t = 0.0;    // the schedule's own time: discrete timestep, continuous t, sigma (karras)
  double s = 1.0;    // signal scale
  double tau = 0.0;  // absolute noise level; sigma = tau / s
  double sigma() const { return tau / s; }   // +inf for flow at t = 1
  double alphaBar() const { return s * s; }  // VP processes: s^2 + tau^2 = 1
};

std::vector<NoiseLevel> buildSchedule(const ScheduleParams& p);
// The noise level at the schedule's own time t: a timestep 0..T-1 (linear, cosine), t in [1e-5, 1]
// (vp), t in [0, 1] (ve, flow), sigma >= 0 (karras). Throws InputError("t: ...") out of range.
NoiseLevel levelAt(const ScheduleParams& p, double t);

// alphabar_t for t = 0 .. T-1 of a discrete VP schedule (linear or cosine).
std::vector<double> discreteAlphaBar(const ScheduleParams& p);
// The N timesteps a spacing picks from T, in sampling order (largest first).
std::vector<int> discreteTimesteps(int trainSteps, int steps, Spacing spacing);

}  // namespace flowscope
