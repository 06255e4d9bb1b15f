#pragma once
// The ranges of values Flowscope accepts, one place for all of them. Each range is where the
// quantity means something in a 2-D lab and where every backend (float32 on the GPU included)
// computes it without overflow; values outside are refused with an InputError naming the field,
// before any work. The CLI's --help, the panels and the README quote these numbers.
#include <cstddef>
#include <span>
#include <string>

namespace flowscope::limits {

// Coordinates of points, means, the camera and grids: |x| <= 1e6.
inline constexpr double kMaxCoordinate = 1e6;
// Heights of a camera's view: up to 1e7 (a view of every accepted coordinate).
inline constexpr double kMaxViewHeight = 1e7;
// Covariance diagonals (variances) of mixture components: 1e-12 .. 1e12 (std 1e-6 .. 1e6), and a
// correlation |b| / sqrt(a c) of at most 1 - 1e-9 (not numerically singular).
inline constexpr double kMinVariance = 1e-12, kMaxVariance = 1e12, kMaxCorrelation = 1.0 - 1e-9;
// Relative weights (mixtures, transport measures): 0 .. 1e15, normalised on reading.
inline constexpr double kMaxWeight = 1e15;
// Noise levels sigma (schedules, fields): 1e-5 .. 1e5.
inline constexpr double kMinSigma = 1e-5, kMaxSigma = 1e5;
// Model evaluations of one sampling run (steps x Langevin steps per level): at most 10,000.
inline constexpr int kMaxEvaluations = 10000;
// Entries of attention inputs: |x| <= 1e4; explicit softmax scales and RoPE bases: see Attention.h.
inline constexpr double kMaxAttentionEntry = 1e4;
inline constexpr double kMaxAttentionScale = 1e4;
inline constexpr double kMaxRopeBase = 1e12;
// Receptive-field taps (loaded weights): |w| <= 1e3.
inline constexpr double kMaxRfTap = 1e3;
// Rows of one CSV output (trajectories, plans, matrices): at most 2^24.
inline constexpr size_t kMaxOutputRows = size_t(1) << 24;

}  // namespace flowscope::limits

namespace flowscope {

// "%g" of a number, for messages.
std::string formatNumber(double v);
// Throws InputError "<field>: must be between <lo> and <hi> (got <v>)" unless lo <= v <= hi
// (NaN is never in range).
void requireInRange(const std::string& field, double v, double lo, double hi);
// Throws InputError "<field>: must be at most <hi> in absolute value (got <v>)".
void requireMagnitude(const std::string& field, double v, double hi);
// Throws InputError "<field>: (x, y) is outside the accepted range of coordinates (|x|, |y| <=
// 1e+06)" unless both are within limits::kMaxCoordinate.
void requirePoint(const std::string& field, double x, double y);
// The index of the first non-finite value, or values.size().
size_t firstNonFinite(std::span<const double> values);
size_t firstNonFinite(std::span<const float> values);
// Throws NumericalError "<what>: <count> of <n> values are not finite (first at index <i>)<hint>".
void requireFinite(std::span<const double> values, const std::string& what,
                   const std::string& hint = "");
void requireFinite(std::span<const float> values, const std::string& what,
                   const std::string& hint = "");

}  // namespace flowscope
