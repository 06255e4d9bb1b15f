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

// Throws InputError naming the field when a value is out of range.
void validate(const KarrasParams& p);
std::vector<double> karrasSigmas(const KarrasParams& p);

}  // namespace flowscope
