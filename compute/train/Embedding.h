#pragma once
// The fixed embedding of a scalar noise level or time (MlpSpec.h: sinusoidal or random Fourier),
// appended to x as the first layer's input.
#include <span>
#include <vector>

#include "MlpSpec.h"

namespace flowscope {

class Embedding {
 public:
  explicit Embedding(const EmbeddingSpec& spec);
  // Given angular frequencies (a network trained elsewhere, with its own draw).
  explicit Embedding(std::vector<double> frequencies) : frequencies_(std::move(frequencies)) {}
  int width() const { return int(2 * frequencies_.size()); }
  // Writes cos(w_k c) for k < h, then sin(w_k c), into out (width() values).
  void features(double c, std::span<double> out) const;
  // The first layer's input rows (batch x (inputs + width() + K + 1 with K classes, else
  // inputs + width())): each row's x (`inputs` values of x, row-major), the features of its
  // level c, then with classes the one-hot of its label (labels empty, or a label of K: the
  // last slot, "no class"); in the backend's precision T.
  template <class T>
  std::vector<T> firstLayerInputs(std::span<const T> x, std::span<const T> c, int inputs,
                                  std::span<const int> labels = {}, int classes = 0) const;
  // The angular frequencies w_k (2 pi f_k for random Fourier).
  const std::vector<double>& frequencies() const { return frequencies_; }

 private:
  void floatFeatures(std::span<const float> c, std::span<float> rows, size_t offset,
                     size_t stride) const;
  std::vector<double> frequencies_;
};

}  // namespace flowscope
