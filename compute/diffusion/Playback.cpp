#include "Playback.h"

#include <algorithm>

namespace flowscope {

void Playback::pauseAndSet(int k, int steps) {
  playing_ = false;
  accumulator_ = held_ = 0.0;
  target_ = std::clamp(k, 0, std::max(steps, 0));
}

void Playback::clamp(int steps) {
  target_ = std::clamp(target_, 0, steps);
}

void Playback::tick(double seconds, double stepsPerSecond, int steps, bool loop) {
  if (!playing_) return;
  seconds = std::clamp(seconds, 0.0, kMaxTickSeconds);
  if (target_ >= steps) {
    if (!loop) {
      playing_ = false;
      return;
    }
    held_ += seconds;
    if (held_ >= kHoldAtEndSeconds) {
      target_ = 0;
      held_ = accumulator_ = 0.0;
    }
    return;
  }
  accumulator_ += seconds * stepsPerSecond;
  while (accumulator_ >= 1.0 && target_ < steps) {
    ++target_;
    accumulator_ -= 1.0;
  }
  if (target_ >= steps) accumulator_ = 0.0;
}

}  // namespace flowscope
