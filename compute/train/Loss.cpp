#include "Loss.h"

#include <string>

#include "InputError.h"

namespace flowscope {

double weightedSquaredError(std::span<const double> y, std::span<const double> target,
                            std::span<const double> weights, int outputs, std::span<double> dy) {
  if (outputs < 1 || y.size() != target.size() || y.size() != dy.size() ||
      y.size() % size_t(outputs) != 0)
    throw InputError("loss: outputs, targets and gradients differ in size");
  const size_t batch = y.size() / size_t(outputs);
  if (!weights.empty() && weights.size() != batch)
    throw InputError("loss: " + std::to_string(weights.size()) + " weights for a batch of " +
                     std::to_string(batch));
  double loss = 0.0;
  for (size_t r = 0; r < batch; ++r) {
    const double w = weights.empty() ? 1.0 : weights[r];
    for (size_t j = 0; j < size_t(outputs); ++j) {
      const size_t k = r * size_t(outputs) + j;
      const double e = y[k] - target[k];
      loss += w * e * e;
      dy[k] = 2.0 * w * e / double(batch);
    }
  }
  return loss / double(batch);
}

}  // namespace flowscope
