#pragma once
// Weighted mean squared error over a batch, the form every objective of the engine reduces to:
//   L = (1 / B) sum_r w_r sum_j (y_rj - t_rj)^2,   dL/dy_rj = (2 / B) w_r (y_rj - t_rj).
// Empty weights mean w_r = 1.
#include <span>

namespace flowscope {

// In double (the reference) and float (the fast backends); the sum is kept in double.
double weightedSquaredError(std::span<const double> y, std::span<const double> target,
                            std::span<const double> weights, int outputs, std::span<double> dy);
double weightedSquaredError(std::span<const float> y, std::span<const float> target,
                            std::span<const float> weights, int outputs, std::span<float> dy);

}  // namespace flowscope
