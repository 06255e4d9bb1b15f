#include "TransportLab.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "Dataset.h"
#include "EnumNames.h"
#include "InputError.h"
#include "JsonReader.h"
#include "Limits.h"
#include "Parallel.h"
#include "Rng.h"
#include "TransportScene.h"

namespace flowscope {
namespace {

void requireFinitePositive(double v, const std::string& field) {
  if (!(v > 0.0) || !std::isfinite(v)) throw InputError(field + ": must be a positive number");
}

void checkEpsilon(double eps) {
  requireFinitePositive(eps, "epsilon");
  if (eps < 1e-5) throw InputError("epsilon: below 1e-5 the plan is exact OT: use method exact");
}
void checkMaxIterations(int n) {
  if (n < 1 || n > 1000000) throw InputError("max iterations: between 1 and 1000000");
}
void checkT(double t) {
  if (!(t >= 0.0 && t <= 1.0)) throw InputError("t: must lie in [0, 1]");
}
void checkCouplingEpsilon(double eps) {
  requireFinitePositive(eps, "coupling epsilon");
  if (eps < 1e-4) throw InputError("coupling epsilon: at least 1e-4 (smaller is exact OT)");
}
void checkCouplingCount(int n) {
  if (n < 2 || n > 1000) throw InputError("coupling count: between 2 and 1000");
}
void checkSpec(const MeasureSpec& spec, const std::string& side) {
  if (spec.count < 1 || spec.count > TransportLab::kMaxPoints)
    throw InputError(side + " count: between 1 and " + std::to_string(TransportLab::kMaxPoints));
  requireInRange(side + " scale", spec.scale, kMinScale, kMaxScale);
  requirePoint(side + " offset", spec.offset.x, spec.offset.y);
}

}  // namespace

void validate(const TransportSettings& s) {
  checkSpec(s.source, "source");
  checkSpec(s.target, "target");
  checkEpsilon(s.epsilon);
  requireFinitePositive(s.tolerance, "tolerance");
  checkMaxIterations(s.maxIterations);
  checkT(s.t);
  checkCouplingEpsilon(s.couplingEpsilon);
  checkCouplingCount(s.couplingCount);
  validate(s.critic);
  validate(s.gan);
}

namespace {
const NamedValue<OtMethod> kMethods[] = {{OtMethod::Exact, "exact"},
                                         {OtMethod::Sinkhorn, "sinkhorn"}};
const NamedValue<TransportMode> kModes[] = {{TransportMode::Plan, "plan"},
                                            {TransportMode::Coupling, "coupling"},
                                            {TransportMode::Critic, "critic"},
                                            {TransportMode::Gan, "gan"}};
const NamedValue<PotentialShown> kPotentials[] = {{PotentialShown::None, "none"},
                                                  {PotentialShown::Source, "source"},
                                                  {PotentialShown::Target, "target"}};
}  // namespace

std::string otMethodName(OtMethod m) {
  return nameIn(kMethods, m);
}
OtMethod parseOtMethod(const std::string& name) {
  return parseIn(kMethods, name, "method");
}
std::string modeName(TransportMode m) {
  return nameIn(kModes, m);
}
TransportMode parseMode(const std::string& name) {
  return parseIn(kModes, name, "mode");
}
std::string potentialName(PotentialShown p) {
  return nameIn(kPotentials, p);
}
PotentialShown parsePotential(const std::string& name) {
  return parseIn(kPotentials, name, "potential");
}

MeasureSpec defaultSource() {
  MeasureSpec s;
  s.count = 250;
  s.scale = 0.6;
  s.offset = {-2.0, 0.0};
  return s;
}

MeasureSpec defaultTarget() {
  MeasureSpec s;
  s.name = "moons";
  s.count = 250;
  s.offset = {2.0, 0.0};
  return s;
}

Measure loadMeasure(const MeasureSpec& spec, uint64_t seed) {
  if (spec.count < 1) throw InputError("count: must be at least 1");
  requireInRange("scale", spec.scale, kMinScale, kMaxScale);
  std::vector<glm::dvec2> points;
  bool file = false;
  if (spec.name == "gaussian") {
    Pcg32 rng(seed);
    points.resize(size_t(spec.count));
    for (auto& p : points) p.x = rng.normal(), p.y = rng.normal();
  } else if (isPreset(spec.name)) {  // the mixtures (gmm8, grid25) sampled, the rest drawn
    const Dataset d = loadDataset(spec.name);
    points = d.mixture ? d.mixture->sample(size_t(spec.count), seed)
                       : presetPoints(spec.name, spec.count, seed);
  } else {
    points = readPointsCsv(spec.name);  // errors name the file and line
    file = true;
  }
  if (points.empty()) throw InputError(spec.name + ": no points");
  for (auto& p : points) {
    p = p * spec.scale + spec.offset;
    requirePoint(spec.name + ": a point scaled and offset", p.x, p.y);
  }
  if (!spec.weightsPath.empty()) {
    if (!file) throw InputError(spec.weightsPath + ": weights go with a CSV file of points");
    return Measure::weighted(std::move(points), readWeightsCsv(spec.weightsPath), spec.weightsPath);
  }
  return Measure::uniform(std::move(points));
}

const LabInfo& describeTransportLab() {
  static const LabInfo info{"transport", "Transport", "transport"};
  return info;
}

// The default scene shows the displacement interpolation (t = 0.5) over the plan.
std::unique_ptr<Lab> makeTransportLab() {
  TransportSettings settings;
  settings.showInterpolation = true;
  return std::make_unique<TransportLab>(std::move(settings));
}

const LabInfo& TransportLab::info() const {
  return describeTransportLab();
}

nlohmann::json TransportLab::sceneJson() const {
  return transportSceneToJson(snapshot());
}

void TransportLab::openScene(const nlohmann::json& scene, const std::string& source) {
  const TransportScene parsed = transportSceneFromJson(scene, source);
  JsonReader(source).apply("transport", [&] { replaceScene(parsed); });
}

std::string TransportLab::computeBackend() const {
  switch (s_.mode) {
    case TransportMode::Critic:
    case TransportMode::Gan:
      return "training: CPU, float32 (Eigen); field: " + demo_.fieldBackend();
    default:
      return std::string("plan: ") +
             (s_.method == OtMethod::Sinkhorn ? "Sinkhorn (stabilised scaling)"
                                              : "exact OT (network simplex)") +
             " on the CPU, double (every device: its sizes solve in the background in ~0.1 s)";
  }
}

std::string TransportLab::status() const {
  char buf[160];
  if (s_.mode == TransportMode::Critic && demo_.critic()) {
    std::snprintf(buf, sizeof(buf), "Transport critic (%s): step %ld, W1 estimate %.5g, exact %.5g",
                  lipschitzName(s_.critic.spec.method).c_str(), demo_.critic()->steps(),
                  demo_.critic()->estimate(), demo_.exact().cost);
    return buf;
  }
  if (s_.mode == TransportMode::Gan && demo_.gan()) {
    std::snprintf(buf, sizeof(buf), "Transport GAN (%s): iteration %ld",
                  ganLossName(s_.gan.spec.loss).c_str(), demo_.gan()->iterations());
    return buf;
  }
  std::snprintf(buf, sizeof(buf), "Transport: %s, W = %.6g, solve %.1f ms",
                otMethodName(solution_.method).c_str(), solution_.w, solution_.timeMs);
  return buf;
}

void TransportLab::addStats(nlohmann::json& stats) const {
  stats["transport_w"] = solution_.w;
  stats["transport_cost"] = solution_.cost;
  stats["transport_solve_ms"] = solution_.timeMs;
  stats["transport_iterations"] = double(solution_.iterations);
  stats["transport_marginal_error"] = solution_.marginalError;
  if (s_.mode == TransportMode::Critic && demo_.critic()) {
    stats["critic_steps"] = double(demo_.critic()->steps());
    stats["critic_w1_estimate"] = demo_.critic()->estimate();
    stats["critic_w1_exact"] = demo_.exact().cost;
    stats["critic_max_grad_norm"] = demo_.critic()->maxGradientNorm();
  }
  if (s_.mode == TransportMode::Gan && demo_.gan()) {
    stats["gan_iterations"] = double(demo_.gan()->iterations());
    if (!demo_.gan()->history().empty()) stats["gan_w1"] = demo_.gan()->history().back().w1;
    if (!demo_.gan()->modes().centres.empty())
      stats["gan_modes_covered"] = double(demo_.gan()->modesCovered());
  }
}

bool TransportLab::togglePlay() {
  setAnimate(!s_.animate);
  return true;
}

bool TransportLab::stepPlayback(int delta) {
  stepBy(delta);
  return true;
}

bool TransportLab::resetPlayback() {
  setStep(1);
  return true;
}

TransportLab::TransportLab(TransportSettings settings) : s_(std::move(settings)) {
  reloadMeasures(loadMeasure(s_.source, s_.seed), loadMeasure(s_.target, s_.seed + 1));
  resetCamera();
}

void TransportLab::resetCamera() {
  glm::dvec2 lo(INFINITY), hi(-INFINITY);
  for (const auto* m : {&a_, &b_})
    for (const auto& p : m->points) lo = glm::min(lo, p), hi = glm::max(hi, p);
  // Both clouds whole in the content area (the panels are docked beside it), with room for the
  // caption above and the legend below.
  camera_ = View2D::fitting(lo, hi, int(viewport_.x), int(viewport_.y), 0.15);
}

void TransportLab::reloadMeasures(const Measure& a, const Measure& b) {
  if (a.points.size() > size_t(kMaxPoints) || b.points.size() > size_t(kMaxPoints))
    throw InputError("points: the lab holds at most " + std::to_string(kMaxPoints) +
                     " per side (flowscope-cli ot takes more)");
  a_ = a;
  b_ = b;
  rawA_ = a_.weights;
  rawB_ = b_.weights;
  dropSolver();
  request(Solve::Cold);
  couplingsStale_ = true;
  // The previous plan's indices name other points: nothing is shown until the new solve.
  solution_ = TransportSolution{};
  solution_.method = s_.method;
  history_.clear();
  step_ = 0;
  entries_.clear();
  massDrawn_ = 0.0;
  matrix_ = PlanMatrix{};
  ++revision_;
}

void TransportLab::setMeasure(bool target, const MeasureSpec& spec) {
  if (spec.count > kMaxPoints)  // before drawing them
    throw InputError("count: at most " + std::to_string(kMaxPoints) + " points");
  Measure m = loadMeasure(spec, s_.seed + (target ? 1 : 0));
  target ? reloadMeasures(a_, m) : reloadMeasures(m, b_);
  (target ? s_.target : s_.source) = spec;
}

void TransportLab::setMethod(OtMethod m) {
  if (m == s_.method) return;
  s_.method = m;
  request(Solve::Cold);
}

void TransportLab::setCost(CostKind c) {
  if (c == s_.cost) return;
  s_.cost = c;
  dropSolver();
  request(Solve::Cold);
}

void TransportLab::setEpsilon(double eps) {
  checkEpsilon(eps);
  if (eps == s_.epsilon) return;
  s_.epsilon = eps;
  if (s_.method == OtMethod::Sinkhorn) {
    // The step-through replays a whole annealed solve.
    request(s_.stepThrough ? Solve::Cold : Solve::Warm);
  }
}

void TransportLab::setAnnealing(bool on) {
  s_.annealing = on;
  request(Solve::Cold);
}

void TransportLab::setTolerance(double tol) {
  requireFinitePositive(tol, "tolerance");
  s_.tolerance = tol;
  request(Solve::Warm);
}

void TransportLab::setMaxIterations(int n) {
  checkMaxIterations(n);
  s_.maxIterations = n;
  request(Solve::Cold);
}

void TransportLab::setSeed(uint64_t seed) {
  Measure a = loadMeasure(s_.source, seed), b = loadMeasure(s_.target, seed + 1);
  s_.seed = seed;
  reloadMeasures(a, b);
}

void TransportLab::setMode(TransportMode m) {
  if (m == s_.mode) return;
  s_.mode = m;
  if (m == TransportMode::Coupling) {
    camera_.center = {-1.2, 0.0};  // N(0, I) and the unshifted data, right of the panel
    camera_.height = 7.0;
  } else {
    resetCamera();
  }
}

void TransportLab::setCritic(const CriticSettings& c) {
  validate(c);
  s_.critic = c;
  ++revision_;
}

void TransportLab::setGan(const GanSettings& g) {
  validate(g);
  s_.gan = g;
  ++revision_;
}

void TransportLab::setT(double t) {
  checkT(t);
  s_.t = t;
}

void TransportLab::setStepThrough(bool on) {
  if (on == s_.stepThrough) return;
  s_.stepThrough = on;
  history_.clear();
  request(Solve::Cold);
}

void TransportLab::setStep(int k) {
  if (history_.empty()) return;
  const int clamped = std::clamp(k, 1, int(history_.size()));
  if (clamped == step_) return;
  step_ = clamped;
  if (s_.method == OtMethod::Sinkhorn && !dense_) {  // a solve is running: its history follows
    ++revision_;
    return;
  }
  refreshShown();
}

void TransportLab::setCouplingEpsilon(double eps) {
  checkCouplingEpsilon(eps);
  s_.couplingEpsilon = eps;
  couplingsStale_ = true;
}

void TransportLab::setCouplingCount(int n) {
  checkCouplingCount(n);
  s_.couplingCount = n;
  couplingsStale_ = true;
}

std::optional<TransportLab::PointRef> TransportLab::pointAt(glm::dvec2 world, double radius) const {
  std::optional<PointRef> best;
  double bestD = radius * radius;
  for (bool target : {false, true}) {
    const auto& pts = target ? b_.points : a_.points;
    for (size_t k = 0; k < pts.size(); ++k) {
      const glm::dvec2 d = pts[k] - world;
      if (glm::dot(d, d) < bestD) bestD = glm::dot(d, d), best = PointRef{target, k};
    }
  }
  return best;
}

void TransportLab::movePoint(PointRef p, glm::dvec2 world) {
  auto& pts = p.target ? b_.points : a_.points;
  if (p.index >= pts.size()) throw InputError("point: no such point");
  requirePoint("point", world.x, world.y);
  pts[p.index] = world;
  if (dense_)
    dense_->movePoint(p.target, p.index, world);
  else if (job_.running())
    queuedMoves_.push_back({p.target, p.index, world});
  request(s_.method == OtMethod::Sinkhorn ? Solve::Warm : Solve::Cold, false);
}

void TransportLab::addPoint(bool target, glm::dvec2 world) {
  Measure& m = target ? b_ : a_;
  std::vector<double>& raw = target ? rawB_ : rawA_;
  if (m.points.size() >= size_t(kMaxPoints))
    throw InputError("points: the lab holds at most " + std::to_string(kMaxPoints) + " per side");
  raw.push_back(std::accumulate(raw.begin(), raw.end(), 0.0) / double(raw.size()));
  std::vector<glm::dvec2> pts = m.points;
  pts.push_back(world);
  m = Measure::weighted(std::move(pts), raw, "painted points");
  dropSolver();
  request(Solve::Cold);
}

TransportScene TransportLab::snapshot() const {
  TransportScene scene;
  scene.settings = s_;
  scene.sourcePoints = a_.points;
  scene.targetPoints = b_.points;
  scene.sourceWeights = rawA_;
  scene.targetWeights = rawB_;
  scene.camera = camera_;
  return scene;
}

void TransportLab::replaceScene(const TransportScene& scene) {
  validate(scene.settings);
  for (const auto* pts : {&scene.sourcePoints, &scene.targetPoints}) {
    const std::string side = pts == &scene.sourcePoints ? "source" : "target";
    if (pts->empty() || pts->size() > size_t(kMaxPoints))
      throw InputError(side + " points: between 1 and " + std::to_string(kMaxPoints));
    for (const auto& p : *pts) requirePoint(side + " points", p.x, p.y);
  }
  requireInRange("camera height", scene.camera.height, 0.0, limits::kMaxViewHeight);
  if (!(scene.camera.height > 0.0)) throw InputError("camera height: must be positive");
  Measure a = Measure::weighted(scene.sourcePoints, scene.sourceWeights, "source weights");
  Measure b = Measure::weighted(scene.targetPoints, scene.targetWeights, "target weights");
  // Nothing has changed so far; from here nothing throws.
  s_ = scene.settings;
  reloadMeasures(a, b);
  rawA_ = scene.sourceWeights;
  rawB_ = scene.targetWeights;
  camera_ = scene.camera;
  history_.clear();
  step_ = 0;
  ++revision_;
}

void TransportLab::tick(double seconds) {
  if (!s_.animate) return;
  // Back and forth over [0, 1], 2.5 s each way.
  double t = s_.t + tDirection_ * seconds / 2.5;
  if (t >= 1.0) t = 1.0, tDirection_ = -1.0;
  if (t <= 0.0) t = 0.0, tDirection_ = 1.0;
  s_.t = t;
}

void TransportLab::syncDemo() {
  if (s_.mode == TransportMode::Critic) {
    demo_.syncCritic(s_.critic, a_, b_);
    return;
  }
  if (demo_.ganCurrent(s_.gan, b_)) return;
  // The modes of a mixture preset target, where its points came from the preset.
  GanModes modes;
  if (isPreset(s_.target.name)) {
    const Dataset d = loadDataset(s_.target.name);
    if (d.mixture) {
      for (const auto& c : d.mixture->components()) {
        modes.centres.push_back(c.mean * s_.target.scale + s_.target.offset);
        modes.radius =
            std::max(modes.radius, 3.0 * std::sqrt(std::max(c.a, c.c)) * s_.target.scale);
      }
    }
  }
  demo_.syncGan(s_.gan, b_, std::move(modes));
}

void TransportLab::update() {
  collectSolve();
  if (learnedMode()) {
    syncDemo();
    // In the GUI a frame trains for 12 ms at most, and the picture follows every 150 ms (its
    // field costs more than a step); headless, all the way to the target.
    const bool gan = s_.mode == TransportMode::Gan;
    if (demo_.advance(gan, background_ ? 12.0 : 0.0)) {
      const auto now = std::chrono::steady_clock::now();
      if (!background_ || demo_.finished(gan) || now - shownAt_ > std::chrono::milliseconds(150)) {
        ++revision_;
        shownAt_ = now;
      }
    }
    return;
  }
  if (s_.mode == TransportMode::Coupling) {
    if (couplingsStale_) recomputeCouplings();
    return;
  }
  startSolve();
}

void TransportLab::settle(const std::function<void(int, int)>& progress) {
  (void)progress;
  if (learnedMode()) {
    syncDemo();
    if (demo_.advance(s_.mode == TransportMode::Gan, 0.0)) ++revision_;
    return;
  }
  update();
  while (job_.running()) {
    job_.wait();
    update();
  }
}

void TransportLab::dropSolver() {
  dense_.reset();
  ++solverGeneration_;
  queuedMoves_.clear();
}

void TransportLab::startSolve() {
  if (pending_ == Solve::None || job_.running()) return;
  SolveInput in;
  in.method = s_.method;
  in.cost = s_.cost;
  if (s_.method == OtMethod::Exact || !dense_) in.a = a_, in.b = b_;  // else the solver has them
  in.options.epsilon = s_.epsilon;
  in.options.tolerance = s_.tolerance;
  in.options.maxIterations = s_.maxIterations;
  in.options.annealing = s_.annealing;
  in.warm = pending_ == Solve::Warm;
  in.history = s_.stepThrough;
  in.maxHistory = kMaxHistory;
  in.dense = std::move(dense_);
  pending_ = Solve::None;
  obsolete_ = false;
  jobGeneration_ = solverGeneration_;
  if (!background_) {
    adopt(runTransportSolve(std::move(in), nullptr));
    return;
  }
  runningMethod_ = in.method;
  runningOptions_ = in.options;
  auto shared = std::make_shared<SolveInput>(std::move(in));
  job_.start([shared](JobMonitor& m) { return runTransportSolve(std::move(*shared), &m); });
}

void TransportLab::collectSolve() {
  if (!job_.running()) return;
  if (obsolete_ && !job_.ready()) job_.cancel();
  if (job_.ready()) adopt(job_.take());
}

void TransportLab::adopt(SolveOutcome&& out) {
  if (out.dense && jobGeneration_ == solverGeneration_) {
    dense_ = std::move(out.dense);
    for (const QueuedMove& m : queuedMoves_) dense_->movePoint(m.target, m.index, m.at);
  }
  queuedMoves_.clear();
  // A stopped solve, or one of the other method (switched meanwhile): the next one follows.
  if (out.cancelled || out.solution.method != s_.method) return;
  if (out.solution.method == OtMethod::Exact) exact_ = std::move(out.exact);
  history_ = std::move(out.history);
  solution_ = std::move(out.solution);
  step_ = int(history_.size());
  refreshShown();
}

std::optional<LabProgress> TransportLab::progress() const {
  const JobMonitor* m = job_.monitor();
  if (!m) return std::nullopt;
  LabProgress p;
  if (runningMethod_ == OtMethod::Exact) {
    p.what = "Exact OT: network simplex running";
    return p;
  }
  char buf[200];
  std::snprintf(buf, sizeof(buf),
                "Sinkhorn: ε %.3g → %.3g, %ld iterations, error %.1e (tolerance %.0e)",
                m->epsilon.load(), runningOptions_.epsilon, m->iterations.load(), m->error.load(),
                runningOptions_.tolerance);
  p.what = buf;
  p.fraction = m->fraction;
  return p;
}

const std::vector<double>& TransportLab::shownF() const {
  return (s_.stepThrough && step_ >= 1 && step_ <= int(history_.size())) ? history_[step_ - 1].f
                                                                         : solution_.f;
}
const std::vector<double>& TransportLab::shownG() const {
  return (s_.stepThrough && step_ >= 1 && step_ <= int(history_.size())) ? history_[step_ - 1].g
                                                                         : solution_.g;
}
double TransportLab::shownEpsilon() const {
  return (s_.stepThrough && step_ >= 1 && step_ <= int(history_.size()))
             ? history_[step_ - 1].epsilon
             : solution_.epsilon;
}

void TransportLab::refreshShown() {
  ++revision_;
  const size_t n = a_.points.size(), m = b_.points.size();
  entries_.clear();
  std::vector<double> dense;  // the whole plan (Sinkhorn only)
  if (s_.method == OtMethod::Exact) {
    entries_ = exact_.plan;
  } else if (dense_) {
    const bool replay = s_.stepThrough && step_ >= 1 && step_ < int(history_.size());
    dense = replay ? dense_->planOf(shownF(), shownG(), shownEpsilon()) : dense_->plan();
    const double mx = *std::max_element(dense.begin(), dense.end());
    const double threshold = 1e-2 * mx;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < m; ++j)
        if (dense[i * m + j] >= threshold && dense[i * m + j] > 0.0)
          entries_.push_back({i, j, dense[i * m + j]});
  }
  const auto larger = [](const PlanEntry& p, const PlanEntry& q) { return p.mass > q.mass; };
  if (entries_.size() > kMaxDrawnEntries) {
    std::nth_element(entries_.begin(), entries_.begin() + kMaxDrawnEntries, entries_.end(), larger);
    entries_.resize(kMaxDrawnEntries);
  }
  std::sort(entries_.begin(), entries_.end(), larger);
  massDrawn_ = 0.0;
  for (const auto& e : entries_) massDrawn_ += e.mass;

  // The plan matrix: rows along the source's principal axis, columns by mean row rank.
  glm::dvec2 mean(0.0);
  for (const auto& p : a_.points) mean += p;
  mean /= double(n);
  glm::dmat2 cov(0.0);
  for (const auto& p : a_.points) cov += glm::outerProduct(p - mean, p - mean);
  // Principal axis of a symmetric 2x2 matrix: angle 0.5 atan2(2 c01, c00 - c11).
  const double angle = 0.5 * std::atan2(2.0 * cov[0][1], cov[0][0] - cov[1][1]);
  const glm::dvec2 axis(std::cos(angle), std::sin(angle));
  std::vector<size_t> rowOrder(n), rowRank(n);
  std::iota(rowOrder.begin(), rowOrder.end(), 0);
  std::sort(rowOrder.begin(), rowOrder.end(), [&](size_t p, size_t q) {
    return glm::dot(a_.points[p], axis) < glm::dot(a_.points[q], axis);
  });
  for (size_t r = 0; r < n; ++r) rowRank[rowOrder[r]] = r;
  std::vector<double> colKey(m, 0.0), colMass(m, 0.0);
  // Every entry of the whole plan (not only the drawn ones): fn(i, j, mass).
  const auto forEachMass = [&](auto&& fn) {
    if (!dense.empty()) {
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < m; ++j) fn(i, j, dense[i * m + j]);
    } else if (s_.method == OtMethod::Exact) {
      for (const auto& e : exact_.plan) fn(e.i, e.j, e.mass);
    }
  };
  forEachMass([&](size_t i, size_t j, double mass) {
    colKey[j] += mass * double(rowRank[i]);
    colMass[j] += mass;
  });
  std::vector<size_t> colOrder(m), colRank(m);
  std::iota(colOrder.begin(), colOrder.end(), 0);
  std::sort(colOrder.begin(), colOrder.end(), [&](size_t p, size_t q) {
    const double kp = colMass[p] > 0 ? colKey[p] / colMass[p] : 0.0;
    const double kq = colMass[q] > 0 ? colKey[q] / colMass[q] : 0.0;
    return kp < kq;
  });
  for (size_t c = 0; c < m; ++c) colRank[colOrder[c]] = c;
  matrix_.rows = uint32_t(std::min<size_t>(n, 120));
  matrix_.cols = uint32_t(std::min<size_t>(m, 120));
  matrix_.values.assign(size_t(matrix_.rows) * matrix_.cols, 0.0f);
  forEachMass([&](size_t i, size_t j, double mass) {
    const size_t r = rowRank[i] * matrix_.rows / n, c = colRank[j] * matrix_.cols / m;
    matrix_.values[r * matrix_.cols + c] += float(mass);
  });
  const float mx = *std::max_element(matrix_.values.begin(), matrix_.values.end());
  if (mx > 0.0f)
    for (auto& v : matrix_.values) v /= mx;
}

ScalarGrid TransportLab::potentialGrid(const View2D& view, int width, int height,
                                       int cellPixels) const {
  ScalarGrid grid;
  if (s_.potential == PotentialShown::None || shownF().empty()) return grid;
  const bool sourceSide = s_.potential == PotentialShown::Source;
  // f extends over the source side from the target's g, and g from f.
  const Measure& other = sourceSide ? b_ : a_;
  const std::vector<double>& h = sourceSide ? shownG() : shownF();
  const std::vector<double>& own = sourceSide ? shownF() : shownG();
  const double eps = shownEpsilon();
  const bool exact = s_.method == OtMethod::Exact;
  grid.nx = uint32_t(width / cellPixels + 2);
  grid.ny = uint32_t(height / cellPixels + 2);
  grid.values.resize(size_t(grid.nx) * grid.ny);
  std::vector<double> logw(other.weights.size());
  for (size_t k = 0; k < logw.size(); ++k)
    logw[k] = other.weights[k] > 0.0 ? std::log(other.weights[k]) : -INFINITY;
  parallelFor(
      grid.ny,
      [&](size_t row) {
        for (uint32_t col = 0; col < grid.nx; ++col) {
          const glm::dvec2 x = view.pixelToWorld(
              {double(col) * cellPixels, double(row) * cellPixels}, width, height);
          double value;
          if (exact) {
            value = INFINITY;
            for (size_t k = 0; k < h.size(); ++k)
              value = std::min(value, costOf(s_.cost, x, other.points[k]) - h[k]);
          } else {
            LogSumExp lse;
            for (size_t k = 0; k < h.size(); ++k)
              lse.add(logw[k] + (h[k] - costOf(s_.cost, x, other.points[k])) / eps);
            value = -eps * lse.value();
          }
          grid.values[row * grid.nx + col] = float(value);
        }
      },
      4);
  // The colour range: from the lowest node to the highest potential on the measure's own points
  // (the c-transform grows without bound away from the points; above that it saturates).
  const float lo = *std::min_element(grid.values.begin(), grid.values.end());
  const double top = *std::max_element(own.begin(), own.end());
  grid.lo = lo - 1e-6f * (1.0f + std::abs(lo));
  grid.hi = std::max(float(top), grid.lo + 1e-6f);
  return grid;
}

std::vector<glm::dvec2> TransportLab::interpolated(double t) const {
  std::vector<glm::dvec2> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back((1.0 - t) * a_.points[e.i] + t * b_.points[e.j]);
  return out;
}

void TransportLab::recomputeCouplings() {
  MeasureSpec dataSpec = s_.target;
  dataSpec.count = s_.couplingCount;
  dataSpec.offset = {0.0, 0.0};  // data and noise share the origin, as in flow matching
  data_ = loadMeasure(dataSpec, s_.seed + 1).points;
  if (data_.size() > 1000) data_.resize(1000);
  MeasureSpec noiseSpec;
  noiseSpec.name = "gaussian";
  noiseSpec.count = int(data_.size());
  noise_ = loadMeasure(noiseSpec, s_.seed + 2).points;
  couplings_.clear();
  for (CouplingKind k : {CouplingKind::Independent, CouplingKind::Exact, CouplingKind::Sinkhorn})
    couplings_.push_back(makeCoupling(noise_, data_, k, s_.couplingEpsilon, s_.seed + 3));
  couplingsStale_ = false;
  ++revision_;
}

}  // namespace flowscope
