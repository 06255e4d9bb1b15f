#pragma once
// Seeded, platform-independent random numbers: PCG32 (O'Neill 2014, pcg32_random_r) and normals
// by the Box-Muller transform in double. The GPU never draws noise itself: the host draws it
// once and both backends start from identical bits.
#include <cmath>
#include <cstdint>
#include <numbers>

namespace flowscope {

class Pcg32 {
 public:
  explicit Pcg32(uint64_t seed, uint64_t stream = 54u) {
    inc_ = (stream << 1u) | 1u;
    next();
    state_ += seed;
    next();
  }
  uint32_t next() {
    uint64_t old = state_;
    state_ = old * 6364136223846793005ULL + inc_;
    uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
  }
  // Uniform in (0, 1): never 0, so log() in Box-Muller is finite.
  double uniform() { return (double(next()) + 0.5) * (1.0 / 4294967296.0); }
  double normal() {
    if (hasSpare_) {
      hasSpare_ = false;
      return spare_;
    }
    double r = std::sqrt(-2.0 * std::log(uniform()));
    double theta = 2.0 * std::numbers::pi * uniform();
    spare_ = r * std::sin(theta);
    hasSpare_ = true;
    return r * std::cos(theta);
  }

 private:
  uint64_t state_ = 0;
  uint64_t inc_ = 0;
  double spare_ = 0.0;
  bool hasSpare_ = false;
};

}  // namespace flowscope
