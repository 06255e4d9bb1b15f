#pragma once
// The EDM noise-level schedule (Karras et al. 2022, eq. 5): for i < N
//   sigma_i = (sigma_max^(1/rho) + i/(N-1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho,
// and sigma_N = 0. N steps give N+1 noise levels; state k of a run sits at sigma_k.
#include <string>
#include <vector>

namespace flowscope {

struct KarrasParams {
  double sigmaMin = 0.002;
  double sigmaMax = 80.0;
  double rho = 7.0;
  int steps = 18;
};

// rho's accepted range: sigma^(1/rho) overflows below 0.1 for the largest sigma.
inline constexpr double kMinRho = 0.1, kMaxRho = 100.0;

// Throws InputError naming the field when a value is out of range: sigma_min < sigma_max, both in
// [limits::kMinSigma, limits::kMaxSigma] (shared with the VE schedule).
void validateSigmaRange(double sigmaMin, double sigmaMax);
void validate(const KarrasParams& p);
std::vector<double> karrasSigmas(const KarrasParams& p);

}  // namespace flowscope
