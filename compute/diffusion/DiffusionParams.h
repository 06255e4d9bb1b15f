#pragma once
// DiffusionParams: the single owner of every parameter of the Diffusion & Flow lab. Setters
// validate (throwing InputError naming the field, leaving the value unchanged); the sampling
// setters bump a revision counter, so the lab knows when to restart the run instead of keeping
// copies. Display settings are read each frame and need none.
#include <cstdint>
#include <string>

#include "CompareAt.h"
#include "FieldKind.h"
#include "FlowCoupling.h"
#include "Guidance.h"
#include "Samplers.h"

namespace flowscope {

enum class HeatmapKind : uint32_t { DataDensity = 0, NoisedDensity = 1 };

// The schedule a sampler gets when it is chosen: its first compatible kind, with that kind's
// customary parameters (karras 0.002..80, rho 7; ve 0.01..50; discrete T = 1000).
ScheduleParams defaultSchedule(ScheduleKind kind, int steps);

class DiffusionParams {
 public:
  static constexpr int kMinParticles = 1000;
  static constexpr int kMaxParticles = 1 << 20;  // 1,048,576
  static constexpr int kMaxTrailLength = 64;

  // Sampling: changing any of these restarts the run.
  const SamplerParams& sampler() const { return sampler_; }
  const ScheduleParams& schedule() const { return schedule_; }
  int particleCount() const { return particleCount_; }
  uint64_t seed() const { return seed_; }
  // Refuses a sampler/schedule pair that does not work together (the message lists the pairs).
  void setSampler(const SamplerParams& sampler);
  void setSchedule(const ScheduleParams& schedule);
  // Both at once (a scene): checked as a pair, so neither is judged against the other's old value.
  void setSampling(const SamplerParams& sampler, const ScheduleParams& schedule);
  // Chooses a sampler; if the current schedule does not fit it, switches to its default schedule
  // (keeping the step count) and returns true.
  bool chooseSampler(SamplerKind kind);
  void setSteps(int steps);
  void setSigmaMin(double v);
  void setSigmaMax(double v);
  void setRho(double v);
  void setParticleCount(int count);
  void setSeed(uint64_t seed);
  // Flow samplers only (ignored by the others): the noise-data coupling whose velocity model they
  // integrate (CouplingModel.h); "none" keeps the ideal field of the independent coupling.
  const FlowCouplingParams& flowCoupling() const { return flowCoupling_; }
  void setFlowCoupling(const FlowCouplingParams& c);  // validates (InputError naming the field)
  // Class-conditional sampling and guidance (Guidance.h); no class: the data's own model. The
  // ranges are checked here, the class against the data when the run is built.
  const GuidanceSpec& guidance() const { return guidance_; }
  void setGuidance(const GuidanceSpec& g);

  // Display: no restart.
  int trailLength() const { return trailLength_; }
  FieldKind field() const { return field_; }
  HeatmapKind heatmap() const { return heatmap_; }
  bool showParticles() const { return showParticles_; }
  bool showTrails() const { return showTrails_; }
  bool showField() const { return showField_; }
  bool showHeatmap() const { return showHeatmap_; }
  bool showStreamlines() const { return showStreamlines_; }
  bool showGhosts() const { return showGhosts_; }  // x0-predictions joined to their particles
  bool showCoupling() const {
    return showCoupling_;
  }  // start -> current lines (noise-to-sample coupling)
  bool showPaths() const { return showPaths_; }  // full paths of the tracked particles
  bool showTimeStrip() const { return showTimeStrip_; }
  // Arrows across the view (kMinArrows..kMaxArrows); rows follow the aspect ratio.
  static constexpr int kMinArrows = 8, kMaxArrows = 128;
  int arrowsAcross() const { return arrowsAcross_; }
  void setArrowsAcross(int n);
  // Side-by-side comparison: a second run with this sampler, same data, seed, noise and steps.
  bool splitView() const { return splitView_; }
  SamplerKind compareSampler() const { return compareSampler_; }
  // Which of its states the comparison shows beside the primary's (CompareAt.h).
  CompareAt compareAt() const { return compareAt_; }
  double playbackStepsPerSecond() const { return stepsPerSecond_; }
  // Playing past the last step restarts from the noise (after a short hold) instead of pausing.
  bool loop() const { return loop_; }
  void setTrailLength(int k);
  void setField(FieldKind kind);
  void setHeatmap(HeatmapKind kind);
  void setShowParticles(bool on);
  void setShowTrails(bool on);
  void setShowField(bool on);
  void setShowHeatmap(bool on);
  void setShowStreamlines(bool on);
  void setShowGhosts(bool on);
  void setShowCoupling(bool on);
  void setShowPaths(bool on);
  void setShowTimeStrip(bool on);
  void setSplitView(bool on);
  void setCompareSampler(SamplerKind kind);
  void setCompareAt(CompareAt at) { compareAt_ = at; }
  void setPlaybackStepsPerSecond(double v);
  void setLoop(bool on);

  uint64_t samplingRevision() const { return samplingRevision_; }

  bool operator==(const DiffusionParams& o) const;

 private:
  SamplerParams sampler_{};
  ScheduleParams schedule_{};
  int particleCount_ = 8192;
  uint64_t seed_ = 1;
  FlowCouplingParams flowCoupling_{};
  GuidanceSpec guidance_{};
  int trailLength_ = 12;
  FieldKind field_ = FieldKind::Score;
  HeatmapKind heatmap_ = HeatmapKind::DataDensity;
  bool showParticles_ = true, showTrails_ = true, showField_ = true, showHeatmap_ = true;
  bool showStreamlines_ = false, showGhosts_ = false, showCoupling_ = false, showPaths_ = false;
  bool showTimeStrip_ = true, splitView_ = false;
  int arrowsAcross_ = 32;
  SamplerKind compareSampler_ = SamplerKind::Ddpm;
  CompareAt compareAt_ = CompareAt::Step;
  double stepsPerSecond_ = 4.0;
  bool loop_ = true;
  uint64_t samplingRevision_ = 0;
};

std::string fieldName(FieldKind kind);          // "score" | "denoiser" | "eps" | "velocity"
FieldKind parseField(const std::string& name);  // throws InputError
std::string heatmapName(HeatmapKind kind);      // "data" | "noised"
HeatmapKind parseHeatmap(const std::string& name);

}  // namespace flowscope
