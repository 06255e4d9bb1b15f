#include "UiScale.h"

#include <cmath>

namespace flowscope {

namespace {

size_t nearestIndex(float scale) {
  size_t best = 1;
  for (size_t i = 0; i < kUiScales.size(); ++i)
    if (std::abs(kUiScales[i] - scale) < std::abs(kUiScales[best] - scale)) best = i;
  return best;
}

}  // namespace

float nearestUiScale(float scale) {
  return kUiScales[nearestIndex(scale)];
}

float largerUiScale(float scale) {
  const size_t i = nearestIndex(scale);
  return kUiScales[i + 1 < kUiScales.size() ? i + 1 : i];
}

float smallerUiScale(float scale) {
  const size_t i = nearestIndex(scale);
  return kUiScales[i > 0 ? i - 1 : i];
}

}  // namespace flowscope
