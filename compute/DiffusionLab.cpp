#include "DiffusionLab.h"

#include <algorithm>

#include "DiffusionParams.h"
#include "InputError.h"

namespace flowscope {

DiffusionLab::DiffusionLab(Scene scene) {
  replaceScene(std::move(scene));
}

void DiffusionLab::setData(const DataSource& source) {
  auto loaded = resolve(source);
  scene_.data = source;
  scene_.dataset = std::move(loaded);
  ++dataRevision_;
}

void DiffusionLab::replaceScene(Scene scene) {
  const DiffusionParams& p = scene.params;
  std::shared_ptr<const Dataset> coupled;  // built first: a scene whose coupling fails is refused
  if (isFlowSampler(p.sampler().kind) && p.flowCoupling().kind != FlowCoupling::None)
    coupled = withFlowCoupling(scene.dataset, p.flowCoupling(), p.seed());
  scene_ = std::move(scene);
  ++dataRevision_;  // forces a new run even if the parameters' revision happens to match
  if (coupled) {
    coupled_ = coupled;
    coupledData_ = dataRevision_;
    coupledSeed_ = scene_.params.seed();
    coupledParams_ = scene_.params.flowCoupling();
  }
  playback_.scrub(scene_.step, scene_.params.schedule().steps);
  if (scene_.playing) playback_.play();
}

Scene DiffusionLab::snapshot() const {
  Scene s = scene_;
  s.step = playback_.target();
  s.playing = playback_.playing();
  return s;
}

DiffusionSimulation* DiffusionLab::compareSimulation(const GpuContext* gpu,
                                                     const std::function<void()>& beforeReplace) {
  const DiffusionParams& p = scene_.params;
  if (!p.splitView() || !simulation_) {
    if (compare_ && beforeReplace) beforeReplace();
    compare_.reset();
    return nullptr;
  }
  if (compare_ && compareBuiltFor_ == simulation_->id() && compareBuiltKind_ == p.compareSampler())
    return compare_.get();
  if (compare_ && beforeReplace) beforeReplace();
  compare_.reset();
  compare_ = std::make_unique<DiffusionSimulation>(
      runData(p.compareSampler()), compareConfig(simulation_->config(), p.compareSampler()), gpu);
  compareBuiltFor_ = simulation_->id();
  compareBuiltKind_ = p.compareSampler();
  return compare_.get();
}

void DiffusionLab::pick(uint32_t particle) {
  if (std::find(picked_.begin(), picked_.end(), particle) != picked_.end()) return;
  if (picked_.size() == kMaxPicked) picked_.erase(picked_.begin());
  picked_.push_back(particle);
}

const std::vector<std::vector<glm::dvec2>>& DiffusionLab::pickedPaths() {
  if (!simulation_) {
    pickedPaths_.clear();
    return pickedPaths_;
  }
  const int state = simulation_->current();
  if (pickedFor_ != simulation_->id() || pickedState_ != state || pickedCount_ != picked_.size()) {
    pickedPaths_.clear();
    for (uint32_t i : picked_)
      if (i < uint32_t(simulation_->config().particleCount))
        pickedPaths_.push_back(simulation_->particlePath(i, state));
    pickedFor_ = simulation_->id();
    pickedState_ = state;
    pickedCount_ = picked_.size();
  }
  return pickedPaths_;
}

void DiffusionLab::usePainted() {
  if (painted_.empty()) throw InputError("painted points: paint some points in the viewport first");
  setData(DataSource::ofPoints(painted_));
  painting_ = false;
}

std::shared_ptr<const Dataset> DiffusionLab::runData(SamplerKind sampler) {
  const DiffusionParams& p = scene_.params;
  if (!isFlowSampler(sampler) || p.flowCoupling().kind == FlowCoupling::None) return scene_.dataset;
  if (!coupled_ || coupledData_ != dataRevision_ || coupledSeed_ != p.seed() ||
      !(coupledParams_ == p.flowCoupling())) {
    try {
      coupled_ = withFlowCoupling(scene_.dataset, p.flowCoupling(), p.seed());
    } catch (const InputError& e) {  // say so once, instead of failing again every frame
      FlowCouplingParams off = p.flowCoupling();
      off.kind = FlowCoupling::None;
      scene_.params.setFlowCoupling(off);
      throw InputError(std::string(e.what()) + " (the flow coupling is now off)");
    }
    coupledData_ = dataRevision_;
    coupledSeed_ = p.seed();
    coupledParams_ = p.flowCoupling();
  }
  return coupled_;
}

void DiffusionLab::setFlowCoupling(const FlowCouplingParams& c) {
  validate(c);
  DiffusionParams& p = scene_.params;
  if (isFlowSampler(p.sampler().kind) && c.kind != FlowCoupling::None) {
    coupled_ = withFlowCoupling(scene_.dataset, c, p.seed());  // throws before any change
    coupledData_ = dataRevision_;
    coupledSeed_ = p.seed();
    coupledParams_ = c;
  }
  p.setFlowCoupling(c);
}

DiffusionSimulation& DiffusionLab::simulation(const GpuContext* gpu,
                                              const std::function<void()>& beforeReplace) {
  const DiffusionParams& p = scene_.params;
  if (!simulation_ || builtSampling_ != p.samplingRevision() || builtData_ != dataRevision_) {
    if (simulation_ && beforeReplace) beforeReplace();
    simulation_.reset();
    SamplingConfig config{p.sampler(), p.schedule(), p.particleCount(), p.seed()};
    simulation_ = std::make_unique<DiffusionSimulation>(runData(config.sampler.kind), config, gpu);
    builtSampling_ = p.samplingRevision();
    builtData_ = dataRevision_;
    playback_.clamp(p.schedule().steps);
  }
  return *simulation_;
}

}  // namespace flowscope
