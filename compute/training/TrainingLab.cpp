#include "TrainingLab.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "InputError.h"
#include "InputFile.h"
#include "JsonReader.h"
#include "Limits.h"
#include "OutputFiles.h"
#include "TrainingScene.h"

namespace flowscope {
namespace {

constexpr double kFrameBudgetMs = 12.0;  // of training in one frame while playing
constexpr long kHeldOutEvery = 50;       // steps between held-out losses
constexpr size_t kHeldOutPoints = 2000;

double msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// The training set (a mixture's first N draws, or a cloud's first N points) and the held-out
// points (fresh draws, or the cloud's points after the first N).
void splitData(const Dataset& d, int n, uint64_t seed, std::vector<glm::dvec2>& train,
               std::vector<glm::dvec2>& heldOut) {
  if (d.mixture) {
    train = d.sample(size_t(n), seed);
    heldOut = d.sample(kHeldOutPoints, seed + 7);
    return;
  }
  const auto& all = d.points->points();
  const size_t k = std::min(all.size(), size_t(n));
  train.assign(all.begin(), all.begin() + long(k));
  heldOut.assign(all.begin() + long(k),
                 all.begin() + long(std::min(all.size(), k + kHeldOutPoints)));
}

}  // namespace

struct TrainingLab::Engine {
  Engine(const TrainingSpec& spec, std::vector<glm::dvec2> train, const GpuContext* gpu,
         TrainingBackend backend)
      : trainer(makeFloatTrainer(spec, std::move(train), gpu, backend)) {}
  std::unique_ptr<FloatTrainer> trainer;
  std::optional<RegressionBatch> heldOut;  // one fixed batch of the held-out points
};

const LabInfo& describeTrainingLab() {
  static const LabInfo info{"training", "Training", "training"};
  return info;
}

std::unique_ptr<Lab> makeTrainingLab() {
  return std::make_unique<TrainingLab>();
}

TrainingLab::TrainingLab() {
  rebuild(s_, resolve(s_.data));
  resetCamera();
}

TrainingLab::~TrainingLab() = default;

const LabInfo& TrainingLab::info() const {
  return describeTrainingLab();
}

void TrainingLab::rebuild(const TrainingSettings& s, std::shared_ptr<const Dataset> data) {
  validate(s);
  std::vector<glm::dvec2> train, heldOut;
  splitData(*data, s.points, s.training.seed, train, heldOut);
  // Validates the spec too; GpuError for the Vulkan trainer without a device.
  // Gpu without a device (before the viewport adopts one, or after it went): the CPU trainer until
  // useGpu() names one.
  const TrainingBackend backend =
      backend_ == TrainingBackend::Gpu && !gpu_ ? TrainingBackend::Cpu : backend_;
  auto engine = std::make_unique<Engine>(s.training, train, gpu_, backend);
  if (!heldOut.empty()) {
    Pcg32 rng(s.training.seed, 202u);
    engine->heldOut = engine->trainer->objective().batch(heldOut, rng);
  }
  // Nothing above changed the lab; from here on it cannot fail.
  job_.cancel();
  job_.wait();
  if (job_.running()) (void)job_.take();
  s_ = s;
  data_ = std::move(data);
  trainingSet_ = std::move(train);
  heldOutPoints_ = std::move(heldOut);
  trainingModel_ = std::make_shared<EmpiricalModel>(trainingSet_, "training set");
  reference_ = data_->sample(size_t(s_.particles), s_.training.seed + 5);
  irreducible_.reset();
  if (data_->mixture && engine->heldOut)
    irreducible_ =
        flowscope::irreducibleLoss(engine->trainer->objective(), *data_->mixture, *engine->heldOut);
  engine_ = std::move(engine);
  losses_.clear();
  stepMs_.clear();
  heldOut_.clear();
  rounds_.clear();
  evaluation_.reset();
  reached_.reset();
  trainingMs_ = 0.0;
  stepsBefore_ = 0;
  pendingSteps_ = 0;
  idealStale_ = true;
  idealMemorised_.reset();
  heldOutPoint();
  ++display_;
  ++revision_;
}

long TrainingLab::steps() const {
  return stepsBefore_ + engine_->trainer->steps();
}

std::string TrainingLab::backendName() const {
  return engine_->trainer->backend();
}

void TrainingLab::useGpu(const GpuContext* gpu) {
  gpu_ = gpu;
  // Auto picks Vulkan's trainer on a GPU: taken now while nothing has trained, else at the next
  // reset (a replayed scene keeps the backend it started on). A Vulkan trainer whose device goes
  // is replaced at once (its buffers go with the device).
  const bool wantsGpu = gpu && (backend_ == TrainingBackend::Gpu || runsOnVulkan(backend_, gpu));
  const bool untrained = steps() == 0 && pendingSteps_ == 0 && rounds_.empty();
  if (wantsGpu != engine_->trainer->onGpu() && (untrained || !gpu)) rebuild(s_, data_);
}

void TrainingLab::backendChanged() {
  backend_ = backend();
  rebuild(s_, data_);  // Gpu before a device: the CPU trainer until useGpu() names one
}

void TrainingLab::setTrainingBackend(TrainingBackend b) {
  if (b == TrainingBackend::Gpu && !gpu_)
    throw GpuError("the Vulkan trainer needs a Vulkan device");
  const TrainingBackend before = backend_;
  backend_ = b;
  try {
    rebuild(s_, data_);
  } catch (...) {
    backend_ = before;
    throw;
  }
}

void TrainingLab::heldOutPoint() {
  if (!engine_->heldOut) return;
  heldOut_.push_back(
      {steps(), engine_->trainer->loss(engine_->trainer->averaged(), *engine_->heldOut)});
}

void TrainingLab::trainSteps(long k) {
  for (long i = 0; i < k; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const double loss = engine_->trainer->step();
    trainingMs_ += msSince(start);
    if (!std::isfinite(loss)) {
      playing_ = false;
      pendingSteps_ = 0;
      throw InputError("training: step " + std::to_string(steps()) +
                       ": the loss is not finite (lower the learning rate or add warm-up); reset "
                       "to start again");
    }
    losses_.push_back(float(loss));
    stepMs_.push_back(trainingMs_);
    if (steps() % kHeldOutEvery == 0) heldOutPoint();
  }
  if (k > 0) ++revision_;
}

void TrainingLab::tick(double seconds) {
  (void)seconds;
  const bool catchingUp = pendingSteps_ > steps();
  if (!playing_ && !catchingUp) return;
  const auto start = std::chrono::steady_clock::now();
  const long target = catchingUp ? pendingSteps_ : s_.training.adam.totalSteps;
  const long most = catchingUp ? 100000 : s_.stepsPerFrame;
  // A scene catching up trains for up to 2.5 frame budgets, else steps per frame within one.
  const double budget = catchingUp ? 2.5 * kFrameBudgetMs : kFrameBudgetMs;
  try {
    for (long k = 0; k < most && steps() < target && msSince(start) < budget; ++k) trainSteps(1);
  } catch (const InputError& e) {
    refused_ = e.what();
  }
  if (finished()) playing_ = false;
}

bool TrainingLab::togglePlay() {
  play(!playing_);
  return true;
}

bool TrainingLab::stepPlayback(int delta) {
  try {
    if (delta > 0) trainSteps(delta);
  } catch (const InputError& e) {
    refused_ = e.what();
  }
  return true;
}

bool TrainingLab::resetPlayback() {
  resetTraining();
  return true;
}

void TrainingLab::resetTraining() {
  rebuild(s_, data_);
}

void TrainingLab::setData(const DataSource& source) {
  TrainingSettings s = s_;
  s.data = source;
  rebuild(s, resolve(source));
}

void TrainingLab::setPoints(int n) {
  TrainingSettings s = s_;
  s.points = n;
  rebuild(s, data_);
}

void TrainingLab::setTraining(const TrainingSpec& spec) {
  TrainingSettings s = s_;
  s.training = spec;
  // The field's level follows the objective's meaning (t in (0, 1) or sigma).
  if (spec.objective.kind != s_.training.objective.kind)
    s.level = spec.objective.kind == ObjectiveKind::Flow ? 0.3 : 0.5;
  if (spec.objective.kind != ObjectiveKind::Flow && s.field == FieldKind::Velocity)
    s.field = FieldKind::DenoiserDisplacement;
  rebuild(s, data_);
}

namespace {

// A display edit: validated on a copy, then taken.
template <class Edit>
void displayEdit(TrainingSettings& s, uint64_t& display, Edit edit) {
  TrainingSettings next = s;
  edit(next);
  validate(next);
  s = next;
  ++display;
}

}  // namespace

void TrainingLab::setStepsPerFrame(int n) {
  requireInRange("steps per frame", n, 1, TrainingSettings::kMaxStepsPerFrame);
  s_.stepsPerFrame = n;  // not shown: nothing to re-evaluate
}
void TrainingLab::setLevel(double level) {
  displayEdit(s_, display_, [&](TrainingSettings& s) { s.level = level; });
}
void TrainingLab::setField(FieldKind f) {
  displayEdit(s_, display_, [&](TrainingSettings& s) { s.field = f; });
}
void TrainingLab::setSampler(SamplerKind kind, int steps) {
  displayEdit(s_, display_, [&](TrainingSettings& s) { s.sampler = kind, s.samplerSteps = steps; });
  idealStale_ = true;
}
void TrainingLab::setParticles(int n) {
  displayEdit(s_, display_, [&](TrainingSettings& s) { s.particles = n; });
  reference_ = data_->sample(size_t(s_.particles), s_.training.seed + 5);
  idealStale_ = true;
}
void TrainingLab::setReflowPairs(int n) {
  displayEdit(s_, display_, [&](TrainingSettings& s) { s.reflowPairs = n; });
}
void TrainingLab::setShow(bool samples, bool data, bool learned, bool exact, bool difference) {
  s_.showSamples = samples, s_.showData = data, s_.showLearned = learned, s_.showExact = exact,
  s_.showDifference = difference;
  ++revision_;
}

void TrainingLab::reflow() {
  if (s_.training.objective.kind != ObjectiveKind::Flow)
    throw InputError("reflow: rectifies flow-matching models; the objective is " +
                     objectiveName(s_.training.objective.kind));
  const EvaluationRequest r = request();
  const ReflowPairs p = makeReflowPairs(withLearnedModel(data_, r.model, "the network"), s_,
                                        s_.training.seed + 31 + rounds_.size());
  engine_->trainer->setPairs(p.noise, p.data);
  rounds_.push_back(
      {int(rounds_.size()) + 1, steps(), p.crossings, p.meanSquaredLength, p.straightness});
  ++display_;
  ++revision_;
}

EvaluationRequest TrainingLab::request() const {
  EvaluationRequest r;
  const std::vector<float>& w = engine_->trainer->averaged();
  r.model = std::make_shared<const LearnedModel>(
      MlpWeights{s_.training.network, {w.begin(), w.end()}, s_.training.objective});
  r.data = data_;
  r.exact = data_->mixture ? std::shared_ptr<const ExactModel>(data_, &*data_->mixture)
                           : std::shared_ptr<const ExactModel>(trainingModel_);
  r.trainingSet = trainingModel_;
  r.settings = s_;
  r.camera = camera_;
  r.width = viewport_.x;
  r.height = viewport_.y;
  r.reference = reference_;
  r.step = steps();
  r.idealMemorisation = idealStale_;
  return r;
}

TrainingLab::EvalKey TrainingLab::key() const {
  return {steps(), display_, camera_, viewport_};
}

bool TrainingLab::evaluationStale() const {
  return !(evaluatedKey_ == key());
}

void TrainingLab::takeEvaluation(Evaluation e) {
  if (e.idealMemorised) idealMemorised_ = e.idealMemorised, idealStale_ = false;
  if (!reached_ && e.energyDistance < kQualityTarget && e.step > stepsBefore_ &&
      size_t(e.step - stepsBefore_) <= stepMs_.size())
    reached_ = Reached{e.step, stepMs_[size_t(e.step - stepsBefore_ - 1)]};
  e.serial = ++evaluationsTaken_;  // never reset: a rebuilt lab's first is new too
  evaluation_ = std::move(e);
  ++revision_;
}

void TrainingLab::evaluateNow() {
  evaluatedKey_ = key();
  takeEvaluation(evaluateSnapshot(request()));
}

void TrainingLab::update() {
  if (refused_) {
    const std::string why = *refused_;
    refused_.reset();
    throw InputError(why);
  }
  if (job_.ready()) {
    evaluatedKey_ = runningKey_;
    takeEvaluation(job_.take());
  }
  if (!evaluationStale() || job_.running()) return;
  if (!background_) return evaluateNow();
  const bool onlyTrained = evaluation_ && evaluatedKey_.display == display_ &&
                           evaluatedKey_.camera.center == camera_.center &&
                           evaluatedKey_.camera.height == camera_.height &&
                           evaluatedKey_.viewport == viewport_;
  if (onlyTrained && msSince(lastStart_) < 1000.0 * kEvaluationInterval) return;
  lastStart_ = std::chrono::steady_clock::now();
  runningKey_ = key();
  job_.start([r = request()](JobMonitor&) { return evaluateSnapshot(r); });
}

void TrainingLab::settle(const std::function<void(int, int)>& progress) {
  const long from = steps();
  while (steps() < pendingSteps_) {
    trainSteps(std::min<long>(100, pendingSteps_ - steps()));
    if (progress) progress(int(steps() - from), int(pendingSteps_ - from));
  }
  job_.wait();
  update();
  if (evaluationStale()) {
    job_.wait();
    if (job_.ready()) (void)job_.take();
    evaluateNow();
  }
}

std::optional<LabProgress> TrainingLab::progress() const {
  if (pendingSteps_ > steps())
    return LabProgress{"replaying the scene's training: step " + std::to_string(steps()) + " of " +
                           std::to_string(pendingSteps_),
                       double(steps()) / double(pendingSteps_)};
  return std::nullopt;
}

void TrainingLab::resetCamera() {
  // The training set's bounding box with a margin, fitted to the view's height.
  glm::dvec2 lo(1e300), hi(-1e300);
  for (const glm::dvec2& p : trainingSet_) lo = glm::min(lo, p), hi = glm::max(hi, p);
  const double aspect = double(viewport_.x) / double(std::max(1u, viewport_.y));
  camera_.center = 0.5 * (lo + hi);
  camera_.height = std::max({1e-3, 1.15 * (hi.y - lo.y), 1.15 * (hi.x - lo.x) / aspect});
}

void TrainingLab::saveWeights(const std::string& path) const {
  const std::vector<float>& w = engine_->trainer->averaged();
  OutputFiles files;
  files.stage(path,
              encodeMlp({s_.training.network, {w.begin(), w.end()}, s_.training.objective}, true));
  files.commit();
}

void TrainingLab::loadWeights(const std::string& path) {
  const MlpWeights w = decodeMlp(readInputFile(path), path);
  if (!w.frequencies.empty())
    throw InputError(path +
                     ": its embedding frequencies were drawn elsewhere; the lab trains "
                     "with its seed's (sample it in the Diffusion & Flow lab instead)");
  if (mlpSpecJson(w.spec) != mlpSpecJson(s_.training.network))
    throw InputError(path + ": a " + std::to_string(w.spec.depth) + " x " +
                     std::to_string(w.spec.width) + " " + activationName(w.spec.activation) +
                     " network; the lab trains " + std::to_string(s_.training.network.depth) +
                     " x " + std::to_string(s_.training.network.width) + " " +
                     activationName(s_.training.network.activation) +
                     " (set the network to match first)");
  if (w.objective && objectiveJson(*w.objective) != objectiveJson(s_.training.objective))
    throw InputError(path + ": trained for " + objectiveName(w.objective->kind) +
                     "; the lab's objective is " + objectiveName(s_.training.objective.kind));
  const long before = steps();
  rebuild(s_, data_);
  engine_->trainer->setParameters({w.parameters.begin(), w.parameters.end()});
  stepsBefore_ = before;
  heldOut_.clear();
  heldOutPoint();
}

TrainingScene TrainingLab::snapshot() const {
  TrainingScene scene;
  scene.settings = s_;
  scene.steps = std::max(steps(), pendingSteps_);
  for (const ReflowRound& r : rounds_) scene.reflowAt.push_back(r.step);
  scene.playing = playing_;
  scene.camera = camera_;
  return scene;
}

void TrainingLab::replaceScene(const TrainingScene& scene) {
  auto data = resolve(scene.settings.data);
  std::optional<MlpWeights> weights;
  if (!scene.weights.empty()) weights = decodeMlp(readInputFile(scene.weights), scene.weights);
  rebuild(scene.settings, std::move(data));
  camera_ = scene.camera;
  if (weights) {
    engine_->trainer->setParameters({weights->parameters.begin(), weights->parameters.end()});
    stepsBefore_ = scene.steps;
    heldOut_.clear();
    heldOutPoint();
  } else {
    // Reflow rounds replay at their steps; training to the last one happens here, the rest on
    // the frames that follow (or in settle()).
    for (long at : scene.reflowAt) {
      trainSteps(at - steps());
      reflow();
    }
    pendingSteps_ = scene.steps;
  }
  playing_ = scene.playing;
}

nlohmann::json TrainingLab::sceneJson() const {
  return trainingSceneToJson(snapshot());
}

nlohmann::json TrainingLab::editState() const {
  nlohmann::json j = sceneJson();
  j.erase("camera");
  j["training"].erase("steps");
  j["training"].erase("playing");
  return j;
}

void TrainingLab::openScene(const nlohmann::json& scene, const std::string& source) {
  const TrainingScene parsed = trainingSceneFromJson(scene, source);
  JsonReader(source).applySection("training", [&] { replaceScene(parsed); });
}

std::string TrainingLab::status() const {
  char buf[256];
  const Evaluation* e = evaluation();
  std::snprintf(
      buf, sizeof(buf),
      "Training: %s on %s, step %ld/%ld, loss %.4g%s, %.1f s of training on the %s",
      objectiveName(s_.training.objective.kind).c_str(), s_.data.label().c_str(), steps(),
      s_.training.adam.totalSteps, losses_.empty() ? 0.0 : losses_.back(),
      e ? (", energy distance " + std::to_string(e->energyDistance).substr(0, 6)).c_str() : "",
      trainingMs_ / 1000.0, backendName().c_str());
  return buf;
}

void TrainingLab::addStats(nlohmann::json& stats) const {
  stats["training_step"] = steps();
  stats["training_loss"] = losses_.empty() ? 0.0 : double(losses_.back());
  stats["training_held_out_loss"] =
      heldOut_.empty() ? nlohmann::json() : nlohmann::json(heldOut_.back().second);
  stats["training_irreducible_loss"] = irreducible_ ? nlohmann::json(*irreducible_) : nullptr;
  stats["training_ms"] = trainingMs_;
  stats["training_backend"] = backendName();
  if (const Evaluation* e = evaluation()) {
    stats["training_energy_distance"] = e->energyDistance;
    stats["training_evaluated_step"] = e->step;
    stats["training_memorised"] = e->memorised;
  }
  stats["training_reached_step"] = reached_ ? nlohmann::json(reached_->step) : nullptr;
  stats["training_reached_ms"] = reached_ ? nlohmann::json(reached_->ms) : nullptr;
  stats["training_reflow_rounds"] = rounds_.size();
}

}  // namespace flowscope
