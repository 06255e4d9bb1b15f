#include "Embedding.h"

#include <cmath>

#include "Rng.h"

namespace flowscope {

Embedding::Embedding(const EmbeddingSpec& spec) {
  if (spec.kind == EmbeddingKind::None) return;
  const int h = spec.width / 2;
  Pcg32 rng(spec.seed, 77u);
  for (int k = 0; k < h; ++k) {
    if (spec.kind == EmbeddingKind::Sinusoidal)
      frequencies_.push_back(std::exp(-std::log(10000.0) * double(k) / double(h)));
    else
      frequencies_.push_back(2.0 * M_PI * spec.scale * rng.normal());
  }
}

void Embedding::features(double c, std::span<double> out) const {
  const size_t h = frequencies_.size();
  for (size_t k = 0; k < h; ++k) {
    out[k] = std::cos(frequencies_[k] * c);
    out[h + k] = std::sin(frequencies_[k] * c);
  }
}

template <class T>
std::vector<T> Embedding::firstLayerInputs(std::span<const T> x, std::span<const T> c,
                                           int inputs) const {
  const size_t in = size_t(inputs), first = in + size_t(width()), batch = x.size() / in;
  std::vector<T> rows(batch * first);
  std::vector<double> features(static_cast<size_t>(width()));
  for (size_t r = 0; r < batch; ++r) {
    for (size_t i = 0; i < in; ++i) rows[r * first + i] = x[r * in + i];
    if (features.empty()) continue;
    this->features(double(c[r]), features);
    for (size_t k = 0; k < features.size(); ++k) rows[r * first + in + k] = T(features[k]);
  }
  return rows;
}

template std::vector<double> Embedding::firstLayerInputs(std::span<const double>,
                                                         std::span<const double>, int) const;
template std::vector<float> Embedding::firstLayerInputs(std::span<const float>,
                                                        std::span<const float>, int) const;

}  // namespace flowscope
