#include "KarrasSchedule.h"

#include <cmath>

#include "InputError.h"

namespace flowscope {

void validate(const KarrasParams& p) {
  if (!(p.sigmaMin > 0.0) || !std::isfinite(p.sigmaMin))
    throw InputError("sigma_min: must be a positive number");
  if (!(p.sigmaMax > p.sigmaMin) || !std::isfinite(p.sigmaMax))
    throw InputError("sigma_max: must be a finite number greater than sigma_min");
  if (!(p.rho > 0.0) || !std::isfinite(p.rho)) throw InputError("rho: must be a positive number");
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
