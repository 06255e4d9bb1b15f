#include "DiffusionParams.h"

#include <algorithm>
#include <cmath>

#include "EnumNames.h"
#include "InputError.h"

namespace flowscope {

ScheduleParams defaultSchedule(ScheduleKind kind, int steps) {
  ScheduleParams p;
  p.kind = kind;
  p.steps = steps;
  if (kind == ScheduleKind::Ve) p.sigmaMin = 0.01, p.sigmaMax = 50.0;
  if ((kind == ScheduleKind::Linear || kind == ScheduleKind::Cosine) && steps > p.trainSteps)
    p.steps = p.trainSteps;
  return p;
}

void DiffusionParams::setSampler(const SamplerParams& sampler) {
  validate(sampler);
  validate(sampler, schedule_);
  sampler_ = sampler;
  ++samplingRevision_;
}

void DiffusionParams::setSchedule(const ScheduleParams& schedule) {
  validate(schedule);
  validate(sampler_, schedule);
  schedule_ = schedule;
  ++samplingRevision_;
}

void DiffusionParams::setSampling(const SamplerParams& sampler, const ScheduleParams& schedule) {
  validate(sampler);
  validate(schedule);
  validate(sampler, schedule);
  sampler_ = sampler;
  schedule_ = schedule;
  ++samplingRevision_;
}

bool DiffusionParams::chooseSampler(SamplerKind kind) {
  SamplerParams s = sampler_;
  s.kind = kind;
  auto fits = compatibleSchedules(kind);
  const bool switchSchedule = std::find(fits.begin(), fits.end(), schedule_.kind) == fits.end();
  const ScheduleParams schedule =
      switchSchedule ? defaultSchedule(fits.front(), schedule_.steps) : schedule_;
  validate(s, schedule);
  schedule_ = schedule;
  sampler_ = s;
  ++samplingRevision_;
  return switchSchedule;
}

void DiffusionParams::setSteps(int steps) {
  ScheduleParams s = schedule_;
  s.steps = steps;
  setSchedule(s);
}

void DiffusionParams::setSigmaMin(double v) {
  ScheduleParams s = schedule_;
  s.sigmaMin = v;
  setSchedule(s);
}

void DiffusionParams::setSigmaMax(double v) {
  ScheduleParams s = schedule_;
  s.sigmaMax = v;
  setSchedule(s);
}

void DiffusionParams::setRho(double v) {
  ScheduleParams s = schedule_;
  s.rho = v;
  setSchedule(s);
}

void DiffusionParams::setParticleCount(int count) {
  if (count < kMinParticles || count > kMaxParticles)
    throw InputError("particles: must be between " + std::to_string(kMinParticles) + " and " +
                     std::to_string(kMaxParticles) + " (got " + std::to_string(count) + ")");
  particleCount_ = count;
  ++samplingRevision_;
}

void DiffusionParams::setSeed(uint64_t seed) {
  seed_ = seed;
  ++samplingRevision_;
}

void DiffusionParams::setGuidance(const GuidanceSpec& g) {
  validateRanges(g);
  if (g.classLabel < -1 || g.classLabel >= GaussianMixture::kMaxClasses)
    throw InputError("class: between 0 and " + std::to_string(GaussianMixture::kMaxClasses - 1) +
                     ", or -1 for none");
  guidance_ = g;
  ++samplingRevision_;
}

void DiffusionParams::setFlowCoupling(const FlowCouplingParams& c) {
  validate(c);
  flowCoupling_ = c;
  ++samplingRevision_;
}

void DiffusionParams::setTrailLength(int k) {
  if (k < 1 || k > kMaxTrailLength)
    throw InputError("trail_length: must be between 1 and " + std::to_string(kMaxTrailLength));
  trailLength_ = k;
}

void DiffusionParams::setField(FieldKind kind) {
  field_ = kind;
}

void DiffusionParams::setHeatmap(HeatmapKind kind) {
  heatmap_ = kind;
}

void DiffusionParams::setShowParticles(bool on) {
  showParticles_ = on;
}
void DiffusionParams::setShowTrails(bool on) {
  showTrails_ = on;
}
void DiffusionParams::setShowField(bool on) {
  showField_ = on;
}
void DiffusionParams::setShowHeatmap(bool on) {
  showHeatmap_ = on;
}
void DiffusionParams::setShowStreamlines(bool on) {
  showStreamlines_ = on;
}
void DiffusionParams::setShowGhosts(bool on) {
  showGhosts_ = on;
}
void DiffusionParams::setShowCoupling(bool on) {
  showCoupling_ = on;
}
void DiffusionParams::setShowPaths(bool on) {
  showPaths_ = on;
}
void DiffusionParams::setShowTimeStrip(bool on) {
  showTimeStrip_ = on;
}
void DiffusionParams::setSplitView(bool on) {
  splitView_ = on;
}

void DiffusionParams::setArrowsAcross(int n) {
  if (n < kMinArrows || n > kMaxArrows)
    throw InputError("arrows: must be between " + std::to_string(kMinArrows) + " and " +
                     std::to_string(kMaxArrows));
  arrowsAcross_ = n;
}

void DiffusionParams::setCompareSampler(SamplerKind kind) {
  compareSampler_ = kind;
}

void DiffusionParams::setPlaybackStepsPerSecond(double v) {
  if (!(v >= 0.25 && v <= 120.0))
    throw InputError("steps_per_second: must be between 0.25 and 120");
  stepsPerSecond_ = v;
}

void DiffusionParams::setLoop(bool on) {
  loop_ = on;
}

bool DiffusionParams::operator==(const DiffusionParams& o) const {
  const SamplerParams &a = sampler_, &b = o.sampler_;
  const ScheduleParams &c = schedule_, &d = o.schedule_;
  return a.kind == b.kind && a.eta == b.eta && a.sChurn == b.sChurn && a.sTmin == b.sTmin &&
         a.sTmax == b.sTmax && a.sNoise == b.sNoise && a.langevinEps == b.langevinEps &&
         a.langevinStepsPerLevel == b.langevinStepsPerLevel && c.kind == d.kind &&
         c.steps == d.steps && c.spacing == d.spacing && c.sigmaMin == d.sigmaMin &&
         c.sigmaMax == d.sigmaMax && c.rho == d.rho && particleCount_ == o.particleCount_ &&
         seed_ == o.seed_ && flowCoupling_ == o.flowCoupling_ && guidance_ == o.guidance_ &&
         trailLength_ == o.trailLength_ && field_ == o.field_ && heatmap_ == o.heatmap_ &&
         showParticles_ == o.showParticles_ && showTrails_ == o.showTrails_ &&
         showField_ == o.showField_ && showHeatmap_ == o.showHeatmap_ &&
         stepsPerSecond_ == o.stepsPerSecond_ && loop_ == o.loop_ &&
         showStreamlines_ == o.showStreamlines_ && showGhosts_ == o.showGhosts_ &&
         showCoupling_ == o.showCoupling_ && showPaths_ == o.showPaths_ &&
         showTimeStrip_ == o.showTimeStrip_ && splitView_ == o.splitView_ &&
         compareSampler_ == o.compareSampler_ && compareAt_ == o.compareAt_ &&
         arrowsAcross_ == o.arrowsAcross_;
}

namespace {
const NamedValue<FieldKind> kFields[] = {{FieldKind::Score, "score"},
                                         {FieldKind::DenoiserDisplacement, "denoiser"},
                                         {FieldKind::Eps, "eps"},
                                         {FieldKind::Velocity, "velocity"}};
const NamedValue<HeatmapKind> kHeatmaps[] = {{HeatmapKind::DataDensity, "data"},
                                             {HeatmapKind::NoisedDensity, "noised"}};
}  // namespace

std::string fieldName(FieldKind kind) {
  return nameIn(kFields, kind);
}

FieldKind parseField(const std::string& name) {
  return parseIn(kFields, name, "field");
}

std::string heatmapName(HeatmapKind kind) {
  return nameIn(kHeatmaps, kind);
}

HeatmapKind parseHeatmap(const std::string& name) {
  return parseIn(kHeatmaps, name, "heatmap");
}
}  // namespace flowscope
