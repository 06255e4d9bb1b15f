#include "Limits.h"

#include <cmath>
#include <cstdio>

#include "InputError.h"

namespace flowscope {
namespace {

template <typename T>
size_t firstBad(std::span<const T> values) {
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i])) return i;
  return values.size();
}

template <typename T>
void requireAllFinite(std::span<const T> values, const std::string& what, const std::string& hint) {
  const size_t first = firstBad(values);
  if (first == values.size()) return;
  size_t count = 0;
  for (size_t i = first; i < values.size(); ++i) count += !std::isfinite(values[i]);
  throw NumericalError(what + ": " + std::to_string(count) + " of " +
                       std::to_string(values.size()) + " values are not finite (first at index " +
                       std::to_string(first) + ")" + hint);
}

}  // namespace

std::string formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

void requireInRange(const std::string& field, double v, double lo, double hi) {
  if (!(v >= lo && v <= hi))
    throw InputError(field + ": must be between " + formatNumber(lo) + " and " + formatNumber(hi) +
                     " (got " + formatNumber(v) + ")");
}

void requireMagnitude(const std::string& field, double v, double hi) {
  if (!(std::abs(v) <= hi))
    throw InputError(field + ": must be at most " + formatNumber(hi) + " in absolute value (got " +
                     formatNumber(v) + ")");
}

void requirePoint(const std::string& field, double x, double y) {
  if (!(std::abs(x) <= limits::kMaxCoordinate && std::abs(y) <= limits::kMaxCoordinate))
    throw InputError(field + ": (" + formatNumber(x) + ", " + formatNumber(y) +
                     ") is outside the accepted range of coordinates (|x|, |y| <= " +
                     formatNumber(limits::kMaxCoordinate) + ")");
}

size_t firstNonFinite(std::span<const double> values) {
  return firstBad(values);
}
size_t firstNonFinite(std::span<const float> values) {
  return firstBad(values);
}

void requireFinite(std::span<const double> values, const std::string& what,
                   const std::string& hint) {
  requireAllFinite(values, what, hint);
}
void requireFinite(std::span<const float> values, const std::string& what,
                   const std::string& hint) {
  requireAllFinite(values, what, hint);
}

}  // namespace flowscope
