#include "Embedding.h"

#include <Eigen/Core>

#include <cmath>
#include <type_traits>

#include "InputError.h"
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
  for (size_t k = 0; k < h; ++k) ::sincos(frequencies_[k] * c, &out[h + k], &out[k]);
}

// Each row's features cos(w_k c), sin(w_k c) into rows[r * stride + offset + ...], in float: the
// phases reduced to [-pi, pi] in double (exact enough), then Eigen's vectorised float cosine and
// sine over the whole batch (within 1e-7 of the double features the reference computes).
void Embedding::floatFeatures(std::span<const float> c, std::span<float> rows, size_t offset,
                              size_t stride) const {
  const size_t h = frequencies_.size(), batch = c.size();
  if (h == 0) return;
  Eigen::ArrayXf phase(Eigen::Index(batch * h));
  const double turn = 2.0 * M_PI;
  for (size_t r = 0; r < batch; ++r)
    for (size_t k = 0; k < h; ++k) {
      const double p = frequencies_[k] * double(c[r]);
      phase[Eigen::Index(r * h + k)] = float(p - turn * std::nearbyint(p / turn));
    }
  const Eigen::ArrayXf cosines = phase.cos(), sines = phase.sin();
  for (size_t r = 0; r < batch; ++r)
    for (size_t k = 0; k < h; ++k) {
      rows[r * stride + offset + k] = cosines[Eigen::Index(r * h + k)];
      rows[r * stride + offset + h + k] = sines[Eigen::Index(r * h + k)];
    }
}

template <class T>
std::vector<T> Embedding::firstLayerInputs(std::span<const T> x, std::span<const T> c, int inputs,
                                           std::span<const int> labels, int classes) const {
  const size_t in = size_t(inputs), oneHot = classes > 0 ? size_t(classes) + 1 : 0;
  const size_t first = in + size_t(width()) + oneHot, batch = x.size() / in;
  if (!labels.empty() && labels.size() != batch)
    throw InputError("labels: one a row (" + std::to_string(batch) + "), got " +
                     std::to_string(labels.size()));
  std::vector<T> rows(batch * first);
  std::vector<double> features(static_cast<size_t>(width()));
  if constexpr (std::is_same_v<T, float>) {  // the float backends' features, vectorised
    floatFeatures(c, std::span<float>(rows), in, first);
    features.clear();
  }
  for (size_t r = 0; r < batch; ++r) {
    for (size_t i = 0; i < in; ++i) rows[r * first + i] = x[r * in + i];
    if (oneHot > 0) {
      const int label = labels.empty() ? classes : labels[r];
      if (label < 0 || label > classes)
        throw InputError("labels: a class between 0 and " + std::to_string(classes) +
                         " (the last: no class)");
      rows[r * first + in + size_t(width()) + size_t(label)] = T(1);
    }
    if (features.empty()) continue;
    this->features(double(c[r]), features);
    for (size_t k = 0; k < features.size(); ++k) rows[r * first + in + k] = T(features[k]);
  }
  return rows;
}

template std::vector<double> Embedding::firstLayerInputs(std::span<const double>,
                                                         std::span<const double>, int,
                                                         std::span<const int>, int) const;
template std::vector<float> Embedding::firstLayerInputs(std::span<const float>,
                                                        std::span<const float>, int,
                                                        std::span<const int>, int) const;

}  // namespace flowscope
