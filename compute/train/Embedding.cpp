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

}  // namespace flowscope
