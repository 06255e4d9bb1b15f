#include "DiffusionLab.h"

#include <algorithm>
#include <cstdio>

#include "DiffusionParams.h"
#include "FastCpu.h"
#include "Guidance.h"
#include "InputError.h"
#include "JsonReader.h"

namespace flowscope {

namespace {

// "1,048,576": particle counts as the status line shows them.
std::string thousands(int n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

SamplingConfig configOf(const DiffusionParams& p) {
  return {p.sampler(), p.schedule(), p.particleCount(), p.seed()};
}

}  // namespace

DiffusionLab::DiffusionLab(DiffusionScene scene) {
  replaceScene(std::move(scene));
}

const LabInfo& describeDiffusionLab() {
  static const LabInfo info{"diffusion", "Diffusion & Flow", "gmm-diffusion"};
  return info;
}

// The default scene tells its story at a glance: zoomed out past the data (height 10) so the
// noise is seen arriving, and the heatmap is p_t at the shown step, not the answer p_data.
// The first view (the app's, `default-diffusion`): Heun on the continuous VP schedule (Song et
// al. 2021, EDM's "VP" setting), whose step-0 noise s (x0 + sigma eps) is N(0, I) on the data's
// scale, so the view shows the noise cloud and the ring it becomes, under the heatmap of p_t at
// the shown step (the answer, p_data, appears only at the end).
std::unique_ptr<Lab> makeDiffusionLab() {
  DiffusionScene scene = defaultDiffusionScene();
  ScheduleParams schedule = scene.params.schedule();
  schedule.kind = ScheduleKind::Vp;
  scene.params.setSchedule(schedule);
  scene.params.setHeatmap(HeatmapKind::NoisedDensity);
  scene.camera.height = 7.0;
  return std::make_unique<DiffusionLab>(std::move(scene));
}

const LabInfo& DiffusionLab::info() const {
  return describeDiffusionLab();
}

nlohmann::json DiffusionLab::sceneJson() const {
  return diffusionSceneToJson(snapshot());
}

void DiffusionLab::openScene(const nlohmann::json& scene, const std::string& source) {
  replaceScene(diffusionSceneFromJson(scene, source));
}

void DiffusionLab::settle(const std::function<void(int, int)>& progress) {
  const int target = playback_.target();
  DiffusionSimulation& run = simulation(gpu_, {});
  seekReporting(run, target, progress);
  requireFinitePositions(run, target);
  if (DiffusionSimulation* compare = compareSimulation(gpu_, {})) {
    const int paired = compareState(scene_.params.compareAt(), run, target, *compare);
    seekReporting(*compare, paired, progress);
    requireFinitePositions(*compare, paired);
  }
}

std::string DiffusionLab::computeBackend() const {
  const DiffusionSimulation* sim = currentSimulation();
  if (!sim) return "sampler: not built yet";
  if (sim->stepsOnCpu())
    return "sampler: CPU twin, double (" + std::to_string(fastCpuThreads()) + " threads)";
  return "sampler: Vulkan kernels (" + gpu_->info().name + "), float32";
}

std::string DiffusionLab::status() const {
  std::string text = thousands(scene_.params.particleCount()) + " particles";
  if (const DiffusionSimulation* sim = currentSimulation()) {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "   |   step %d/%d, σ = %.4g", sim->current(), sim->steps(),
                  sim->sigma(sim->current()));
    text += buf;
  }
  return text;
}

void DiffusionLab::addStats(nlohmann::json& stats) const {
  stats["particles"] = scene_.params.particleCount();
  stats["step"] = playback_.target();
}

bool DiffusionLab::togglePlay() {
  playback_.toggle();
  return true;
}

bool DiffusionLab::stepPlayback(int delta) {
  const int steps = scene_.params.schedule().steps;
  for (int k = 0; k < std::abs(delta); ++k)
    delta > 0 ? playback_.stepForward(steps) : playback_.stepBack(steps);
  return true;
}

bool DiffusionLab::resetPlayback() {
  playback_.reset();
  return true;
}

void DiffusionLab::showStep(int step) {
  const int steps = sceneSteps();
  if (step < 0 || step > steps)
    throw InputError("step: expected 0.." + std::to_string(steps) + ", got " +
                     std::to_string(step));
  playback_.scrub(step, steps);
}

void DiffusionLab::receive(const nlohmann::json& content) {
  JsonReader r("request to the Diffusion & Flow lab");
  if (!content.is_object()) r.fail("request", "expected an object");
  if (content.contains("learned")) {  // the Training lab's network, with its data
    DiffusionScene next = snapshot();
    next.data = dataSourceFromJson(content.at("data"), "request", "data");
    next.learned = r.string(content, "learned", "learned");
    r.apply("learned", [&] { next.dataset = resolveModel(next.data, next.learned); });
    next.playing = playback_.playing();
    replaceScene(std::move(next));
    return;
  }
  const nlohmann::json& c =
      r.object(content, "flow_coupling", "flow_coupling", {"kind", "pairs", "epsilon"});
  FlowCouplingParams coupling = scene_.params.flowCoupling();
  r.apply("flow_coupling.kind", [&] {
    coupling.kind = flowCouplingOf(parseCouplingKey(r.string(c, "kind", "flow_coupling.kind")));
  });
  // The other lab's pair count, within this lab's range.
  coupling.pairs = std::clamp(int(r.integer(c, "pairs", "flow_coupling.pairs")),
                              FlowCouplingParams::kMinPairs, FlowCouplingParams::kMaxPairs);
  coupling.epsilon = r.number(c, "epsilon", "flow_coupling.epsilon");
  r.apply("flow_coupling", [&] { validate(coupling); });
  // Everything is checked on copies before the lab changes. A coupling is a model of the data:
  // it replaces a learned model.
  DiffusionScene next = snapshot();
  if (!next.learned.empty()) {
    next.learned.clear();
    next.dataset = resolve(next.data);
  }
  if (content.contains("data_preset")) {
    const std::string preset = r.string(content, "data_preset", "data_preset");
    if (!(next.data.kind == DataSource::Kind::Preset && next.data.name == preset)) {
      next.data = DataSource::ofPreset(preset);
      r.apply("data_preset", [&] { next.dataset = resolve(next.data); });
    }
  }
  if (!isFlowSampler(next.params.sampler().kind)) next.params.chooseSampler(SamplerKind::FlowEuler);
  next.params.setFlowCoupling(coupling);
  next.playing = playback_.playing();
  replaceScene(std::move(next));
}

void DiffusionLab::setLearnedModel(const std::string& path) {
  auto loaded = resolveModel(scene_.data, path);
  DiffusionSimulation::check(*loaded, configOf(scene_.params), nullptr);
  scene_.learned = path;
  scene_.dataset = std::move(loaded);
  ++dataRevision_;
}

void DiffusionLab::setData(const DataSource& source) {
  auto loaded = resolveModel(source, scene_.learned);
  DiffusionSimulation::check(*loaded, configOf(scene_.params), nullptr);
  scene_.data = source;
  scene_.dataset = std::move(loaded);
  ++dataRevision_;
}

void DiffusionLab::replaceScene(DiffusionScene scene) {
  const DiffusionParams& p = scene.params;
  // Built and checked first: a scene whose coupling cannot be built, or whose run cannot be made
  // on the data it would use, is refused, nothing changed (the coupling cache, keyed by the next
  // data revision, is dropped).
  std::shared_ptr<const Dataset> run = scene.dataset;
  if (isFlowSampler(p.sampler().kind) && p.flowCoupling().kind != FlowCoupling::None)
    run = coupled(scene.dataset, {dataRevision_ + 1, p.seed(), p.flowCoupling()});
  try {
    DiffusionSimulation::check(*run, configOf(p), nullptr);
  } catch (const InputError&) {
    coupled_.reset();
    coupledKey_ = CouplingKey{};
    throw;
  }
  scene_ = std::move(scene);
  ++dataRevision_;  // forces a new run even if the parameters' revision happens to match
  playback_.scrub(scene_.step, scene_.params.schedule().steps);
  if (scene_.playing) playback_.play();
}

DiffusionScene DiffusionLab::snapshot() const {
  DiffusionScene s = scene_;
  s.step = playback_.target();
  s.playing = playback_.playing();
  return s;
}

DiffusionSimulation* DiffusionLab::compareSimulation(const GpuContext* gpu, const Retire& retire) {
  const DiffusionParams& p = scene_.params;
  if (!p.splitView() || !simulation_) {
    if (retire) retire(std::move(compare_));
    compare_.reset();
    return nullptr;
  }
  if (compare_ && compareBuiltFor_ == simulation_->id() && compareBuiltKind_ == p.compareSampler())
    return compare_.get();
  const SamplingConfig config = compareConfig(simulation_->config(), p.compareSampler());
  const auto data = runData(p.compareSampler());
  try {
    DiffusionSimulation::check(*data, config, gpu);
  } catch (const InputError& e) {  // say so once, instead of failing again every frame
    scene_.params.setSplitView(false);
    throw InputError(std::string(e.what()) + " (the split view is now off)");
  }
  if (retire) retire(std::move(compare_));
  compare_ = std::make_unique<DiffusionSimulation>(data, config, gpu);
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

std::shared_ptr<const Dataset> DiffusionLab::coupled(const std::shared_ptr<const Dataset>& data,
                                                     const CouplingKey& key) {
  if (!coupled_ || !(coupledKey_ == key)) {
    coupled_ = withFlowCoupling(data, key.params, key.seed);  // throws before any change
    coupledKey_ = key;
  }
  return coupled_;
}

std::shared_ptr<const Dataset> DiffusionLab::runData(SamplerKind sampler) {
  return guided(coupledData(sampler));
}

std::shared_ptr<const Dataset> DiffusionLab::coupledData(SamplerKind sampler) {
  DiffusionParams& p = scene_.params;
  if (!isFlowSampler(sampler) || p.flowCoupling().kind == FlowCoupling::None ||
      scene_.dataset->learned)  // a learned model is its own velocity
    return scene_.dataset;
  try {
    return coupled(scene_.dataset, {dataRevision_, p.seed(), p.flowCoupling()});
  } catch (const InputError& e) {  // say so once, instead of failing again every frame
    FlowCouplingParams off = p.flowCoupling();
    off.kind = FlowCoupling::None;
    p.setFlowCoupling(off);
    throw InputError(std::string(e.what()) + " (the flow coupling is now off)");
  }
}

std::shared_ptr<const Dataset> DiffusionLab::guided(const std::shared_ptr<const Dataset>& data) {
  DiffusionParams& p = scene_.params;
  if (!p.guidance().conditional()) return data;
  try {
    return withGuidance(data, p.guidance());
  } catch (const InputError& e) {  // e.g. a class the new data lacks: say so once
    GuidanceSpec off = p.guidance();
    off.classLabel = -1;
    p.setGuidance(off);
    throw InputError(std::string(e.what()) + " (guidance is now off)");
  }
}

void DiffusionLab::setGuidance(const GuidanceSpec& g) {
  DiffusionParams& p = scene_.params;
  if (g.conditional()) withGuidance(coupledData(p.sampler().kind), g);  // throws before any change
  p.setGuidance(g);
}

void DiffusionLab::setFlowCoupling(const FlowCouplingParams& c) {
  validate(c);
  DiffusionParams& p = scene_.params;
  if (isFlowSampler(p.sampler().kind) && c.kind != FlowCoupling::None)
    coupled(scene_.dataset, {dataRevision_, p.seed(), c});
  p.setFlowCoupling(c);
}

DiffusionSimulation& DiffusionLab::simulation(const GpuContext* gpu, const Retire& retire) {
  const DiffusionParams& p = scene_.params;
  if (!simulation_ || builtSampling_ != p.samplingRevision() || builtData_ != dataRevision_) {
    SamplingConfig config = configOf(p);
    const auto data = runData(config.sampler.kind);
    // A network steps on the CPU twin where the device is a CPU (lavapipe): far faster there.
    config.stepsOnCpu = backend() == BackendChoice::Cpu ||
                        (backend() == BackendChoice::Auto && data->learned && gpu && gpu->isCpu());
    try {
      DiffusionSimulation::check(*data, config, gpu);
    } catch (const InputError&) {  // the edit cannot run: back to the parameters of the run shown
      if (simulation_) scene_.params = builtParams_;
      throw;
    }
    if (retire) retire(std::move(simulation_));
    simulation_ = std::make_unique<DiffusionSimulation>(data, config, gpu);
    builtParams_ = p;
    builtSampling_ = p.samplingRevision();
    builtData_ = dataRevision_;
    playback_.clamp(p.schedule().steps);
  }
  return *simulation_;
}

}  // namespace flowscope
