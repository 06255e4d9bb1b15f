#include "Loss.h"

#include <string>

#include "InputError.h"

namespace flowscope {

namespace {

template <class T>
double squaredError(std::span<const T> y, std::span<const T> target, std::span<const T> weights,
                    int outputs, std::span<T> dy) {
  if (outputs < 1 || y.size() != target.size() || y.size() != dy.size() ||
      y.size() % size_t(outputs) != 0)
    throw InputError("loss: outputs, targets and gradients differ in size");
  const size_t batch = y.size() / size_t(outputs);
  if (!weights.empty() && weights.size() != batch)
    throw InputError("loss: " + std::to_string(weights.size()) + " weights for a batch of " +
                     std::to_string(batch));
  double loss = 0.0;
  for (size_t r = 0; r < batch; ++r) {
    const double w = weights.empty() ? 1.0 : double(weights[r]);
    for (size_t j = 0; j < size_t(outputs); ++j) {
      const size_t k = r * size_t(outputs) + j;
      const double e = double(y[k]) - double(target[k]);
      loss += w * e * e;
      dy[k] = T(2.0 * w * e / double(batch));
    }
  }
  return loss / double(batch);
}

}  // namespace

double weightedSquaredError(std::span<const double> y, std::span<const double> target,
                            std::span<const double> weights, int outputs, std::span<double> dy) {
  return squaredError(y, target, weights, outputs, dy);
}

double weightedSquaredError(std::span<const float> y, std::span<const float> target,
                            std::span<const float> weights, int outputs, std::span<float> dy) {
  return squaredError(y, target, weights, outputs, dy);
}

}  // namespace flowscope
