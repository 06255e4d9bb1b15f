#include "KarrasSchedule.h"

#include <cmath>

#include "InputError.h"
#include "Limits.h"

namespace flowscope {

void validateSigmaRange(double sigmaMin, double sigmaMax) {
  requireInRange("sigma_min", sigmaMin, limits::kMinSigma, limits::kMaxSigma);
  requireInRange("sigma_max", sigmaMax, limits::kMinSigma, limits::kMaxSigma);
  if (!(sigmaMax > sigmaMin))
    throw InputError("sigma_max: must be greater than sigma_min (" + formatNumber(sigmaMin) + ")");
}

void validate(const KarrasParams& p) {
  validateSigmaRange(p.sigmaMin, p.sigmaMax);
  requireInRange("rho", p.rho, kMinRho, kMaxRho);
  if (p.steps < 1 || p.steps > 1000) throw InputError("steps: must be between 1 and 1000");
}

std::vector<double> karrasSigmas(const KarrasParams& p) {
  validate(p);
  std::vector<double> sigmas(p.steps + 1, 0.0);
  if (p.steps == 1) {
    sigmas[0] = p.sigmaMax;
    return sigmas;
  }
  const double lo = std::pow(p.sigmaMin, 1.0 / p.rho), hi = std::pow(p.sigmaMax, 1.0 / p.rho);
  for (int i = 0; i < p.steps; ++i)
    sigmas[i] = std::pow(hi + double(i) / (p.steps - 1) * (lo - hi), p.rho);
  return sigmas;
}

}  // namespace flowscope
