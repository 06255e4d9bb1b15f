#pragma once
// The metrics panel's figures for the shown state of a run, on at most kLiveSamples particles so
// they can follow playback: NFE so far; energy distance and sliced W2 to a fresh sample of the
// data; path length, straightness and curvature of the tracked paths (Metrics.h); and for point
// clouds the memorisation readout: the fraction of samples within kMemorisationRadius data
// standard deviations of a training point.
#include "DiffusionSimulation.h"
#include "GuidanceTarget.h"
#include "Metrics.h"

namespace flowscope {

inline constexpr size_t kLiveSamples = 1000;
inline constexpr double kMemorisationRadius = 0.02;

struct LiveMetrics {
  int state = -1;
  int nfe = 0;
  double energyDistance = 0.0, slicedW2 = 0.0;
  TrajectoryStats paths;
  double memorised = -1.0;  // < 0: not a point cloud
  // A guided run (Dataset::guided): its readout against p(x | c) and the tilted target, the
  // shown state's histogram and the target on the same grid (the Guidance window's pictures).
  bool guided = false;
  GuidanceSpec guidance;
  GuidanceReadout readout;
  DensityGrid histogram, target;
  uint64_t targetFor = 0;  // the run the target was computed for
};

// Downloads the shown state and the tracked paths (the device must have finished the work that
// computed them: on the GPU, call between frames, after the frame that stepped was submitted).
// `previous`: the last figures, whose tilted target is reused when they are of the same run.
LiveMetrics computeLiveMetrics(const DiffusionSimulation& sim, uint64_t seed,
                               const LiveMetrics* previous = nullptr);

}  // namespace flowscope
