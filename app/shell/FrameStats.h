#pragma once
// Frame-to-frame intervals of the viewport (what the user perceives as frame time).
#include <QElapsedTimer>

#include <vector>

#include "Metrics.h"

namespace flowscope {

class FrameStats {
 public:
  // Call once a frame; returns the seconds since the previous call (0 for the first).
  double tick() {
    double dt = 0.0;
    if (timer_.isValid()) {
      dt = timer_.nsecsElapsed() * 1e-9;
      intervalsMs_.push_back(dt * 1e3);
      recent_ = recent_ * 0.9 + dt * 1e3 * 0.1;
    }
    timer_.restart();
    ++frames_;
    return dt;
  }
  int frames() const { return frames_; }
  double recentMs() const { return recent_; }
  double medianMs() const { return median(intervalsMs_); }
  double p95Ms() const { return percentile(intervalsMs_, 95.0); }
  const std::vector<double>& intervalsMs() const { return intervalsMs_; }  // frame to frame

 private:
  QElapsedTimer timer_;
  std::vector<double> intervalsMs_;
  double recent_ = 0.0;
  int frames_ = 0;
};

}  // namespace flowscope
