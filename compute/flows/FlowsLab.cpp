#include "FlowsLab.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "EnumNames.h"
#include "FastCpu.h"
#include "FastCpuMlp.h"
#include "FlowFile.h"
#include "FlowKernel.h"
#include "GpuContext.h"
#include "InputError.h"
#include "JsonReader.h"
#include "LearnedModel.h"
#include "Limits.h"
#include "Rng.h"

namespace flowscope {
namespace {

constexpr NamedValue<FlowHeatmap> kHeatmaps[] = {
    {FlowHeatmap::None, "none"},          {FlowHeatmap::Split, "split"},
    {FlowHeatmap::Model, "model"},        {FlowHeatmap::Data, "data"},
    {FlowHeatmap::LayerLogDet, "logdet"}, {FlowHeatmap::Divergence, "divergence"}};

constexpr size_t kGridLines = 17, kGridPoints = 65, kShownPoints = 1000, kHeldOut = 2000;
constexpr double kLayersPerSecond = 1.5, kEvalInterval = 0.4, kKdeBlur = 0.1;
constexpr long kCatchUp = 100;  // a scene's trained steps (or a frame's) trained per update

std::vector<float> flat(const std::vector<glm::dvec2>& p) {
  return flatPoints<float>(p);
}

std::vector<glm::vec2> pairs(const std::vector<float>& p) {
  std::vector<glm::vec2> out(p.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) out[i] = {p[2 * i], p[2 * i + 1]};
  return out;
}

nlohmann::json trainingKey(const FlowsSettings& s) {
  return {s.data,
          s.points,
          flowSpecJson(s.training.flow),
          s.training.adam.learningRate,
          s.training.adam.totalSteps,
          s.training.batch,
          s.training.seed};
}

}  // namespace

std::string flowHeatmapName(FlowHeatmap h) {
  return nameIn(kHeatmaps, h);
}
FlowHeatmap parseFlowHeatmap(const std::string& n) {
  return parseIn(kHeatmaps, n, "heatmap");
}

void validate(const FlowsSettings& s) {
  validate(s.training);
  requireInRange("points", s.points, 100, 100000);
  requireInRange("steps per frame", s.stepsPerFrame, 1, 200);
  if (!(s.divergenceTime > 0.0 && s.divergenceTime < 1.0))
    throw InputError("divergence t: must be between 0 and 1 (exclusive)");
  requireMagnitude("line y", s.lineY, limits::kMaxCoordinate);
  validate(s.ode);
}

const LabInfo& describeFlowsLab() {
  static const LabInfo info{"flows", "Normalizing Flows", "normalizing-flow"};
  return info;
}

std::unique_ptr<Lab> makeFlowsLab() {
  return std::make_unique<FlowsLab>();
}

FlowsLab::FlowsLab() {
  s_.ode.path = OdePath::Flow;
  rebuild(s_);
  resetCamera();
}

FlowsLab::~FlowsLab() = default;

const LabInfo& FlowsLab::info() const {
  return describeFlowsLab();
}

long FlowsLab::steps() const {
  return trainer_->steps();
}

int FlowsLab::layerCount() const {
  return int(eval_->layout().layers.size());
}

std::string FlowsLab::layerName(int k) const {
  if (k < 1 || k > layerCount()) return "";
  const FlowLayer& l = eval_->layout().layers[size_t(k - 1)];
  std::string n = flowLayerName(l.type);
  if (l.coupling()) n += l.cond == 0 ? " (reads x, moves y)" : " (reads y, moves x)";
  return n;
}

std::string FlowsLab::backendName() const {
  return trainer_->backend();
}

std::string FlowsLab::drawingBackend() const {
  return gpuFlow_ ? "the flow kernel on " + gpuFlow_.describe() : fastCpuName();
}

void FlowsLab::useGpu(const GpuContext* gpu) {
  if (gpuFlow_.place(gpu, backend())) stale_ = true;  // the shell names it every frame
}

void FlowsLab::backendChanged() {
  if (gpuFlow_.place(backend())) stale_ = true;
}

bool FlowsLab::separatedModes() const {
  static const char* kSeparated[] = {"gmm8", "moons", "rings", "grid25", "spiral", "ring"};
  for (const char* n : kSeparated)
    if (s_.data == n) return true;
  return data_->mixture && data_->mixture->components().size() > 1;
}

void FlowsLab::rebuild(const FlowsSettings& s) {
  validate(s);
  FlowData d = flowData(s.data, s.points, s.training.seed, kHeldOut);
  auto trainer = makeFlowTrainer(s.training, d.train, nullptr, TrainingBackend::Cpu);
  s_ = s;
  data_ = std::move(d.data);
  train_ = std::move(d.train);
  heldOut_ = std::move(d.heldOut);
  trainer_ = std::move(trainer);
  eval_ = std::make_unique<FlowNetwork<FastCpuMlp, float>>(s.training.flow);
  nll_.clear();
  heldOutCurve_.clear();
  dataNll_.reset();
  if (data_->mixture && !heldOut_.empty()) {
    double sum = 0.0;
    for (const glm::dvec2& p : heldOut_) sum -= data_->mixture->evaluate(p, 1.0, 0.0).logp;
    dataNll_ = sum / double(heldOut_.size());
  }
  if (s_.layer > layerCount()) s_.layer = -1;
  animated_ = shownLayer();
  playing_ = false;
  stale_ = true;
  ++revision_;
}

void FlowsLab::setSettings(const FlowsSettings& s) {
  validate(s);
  if (trainingKey(s) != trainingKey(s_)) {
    rebuild(s);
    return;
  }
  s_ = s;
  if (s_.layer > layerCount()) s_.layer = -1;
  if (!animating_) animated_ = shownLayer();
  stale_ = true;
  ++revision_;
}

void FlowsLab::setData(const std::string& data, int points) {
  FlowsSettings s = s_;
  s.data = data;
  s.points = points;
  setSettings(s);
}

void FlowsLab::setTraining(const FlowTrainingSpec& spec) {
  FlowsSettings s = s_;
  s.training = spec;
  setSettings(s);
}

void FlowsLab::resetTraining() {
  rebuild(s_);
}

void FlowsLab::trainSteps(long k) {
  for (long i = 0; i < k && !finished(); ++i) {
    const double nll = trainer_->step();
    if (!std::isfinite(nll)) {
      playing_ = false;
      throw InputError("training: the NLL is not finite at step " + std::to_string(steps()) +
                       " (lower the learning rate)");
    }
    nll_.push_back(float(nll));
    if (steps() % 100 == 0 && !heldOut_.empty())
      heldOutCurve_.push_back({steps(), trainer_->nll(heldOut_)});
  }
  if (finished()) playing_ = false;
  stale_ = true;
}

void FlowsLab::setViewport(uint32_t width, uint32_t height) {
  if (glm::uvec2(width, height) != viewport_) stale_ = true;
  viewport_ = {width, height};
}

void FlowsLab::animateLayers(bool on) {
  animating_ = on;
  if (on) animated_ = 0.0;
}

void FlowsLab::tick(double seconds) {
  if (animating_) {
    animated_ += seconds * kLayersPerSecond;
    if (animated_ >= layerCount()) {
      animated_ = layerCount();
      animating_ = false;
      s_.layer = -1;
    }
    ++revision_;
  }
  if (playing_) pendingSteps_ += s_.stepsPerFrame;
}

void FlowsLab::update() {
  if (pendingSteps_ > 0) {  // at most kCatchUp a frame: the GUI stays responsive
    const long k = std::min(pendingSteps_, std::max<long>(kCatchUp, s_.stepsPerFrame));
    pendingSteps_ -= k;
    trainSteps(k);
  }
  const auto now = std::chrono::steady_clock::now();
  const bool due = std::chrono::duration<double>(now - lastEval_).count() >= kEvalInterval;
  if (!view_ || (stale_ && (!playing_ || due))) {
    evaluate();
    lastEval_ = now;
  }
}

void FlowsLab::settle(const std::function<void(int, int)>& progress) {
  const long total = pendingSteps_;
  while (pendingSteps_ > 0) {
    const long k = std::min<long>(pendingSteps_, 100);
    pendingSteps_ -= k;
    trainSteps(k);
    if (progress) progress(int(total - pendingSteps_), int(total));
  }
  stale_ = true;
  evaluate();
}

bool FlowsLab::togglePlay() {
  play(!playing_);
  return true;
}

bool FlowsLab::stepPlayback(int delta) {
  animating_ = false;
  s_.layer = std::clamp(shownLayer() + delta, 0, layerCount());
  if (s_.layer == layerCount()) s_.layer = -1;
  animated_ = shownLayer();
  ++revision_;
  return true;
}

bool FlowsLab::resetPlayback() {
  resetTraining();
  return true;
}

void FlowsLab::showStep(int step) {
  if (step < 0 || step > layerCount())
    throw InputError("step: the flow has layers 0.." + std::to_string(layerCount()));
  s_.layer = step == layerCount() ? -1 : step;
  animating_ = false;
  animated_ = shownLayer();
  ++revision_;
}

bool FlowsLab::showAnimation(double u) {
  animating_ = false;
  animated_ = std::clamp(u, 0.0, 1.0) * layerCount();
  ++revision_;
  return true;
}

void FlowsLab::resetCamera() {
  glm::dvec2 lo(1e300), hi(-1e300);
  for (const glm::dvec2& p : train_) {
    lo = glm::min(lo, p);
    hi = glm::max(hi, p);
  }
  const double b = 3.0 * s_.training.flow.baseScale;
  lo = glm::min(lo, glm::dvec2(-b));
  hi = glm::max(hi, glm::dvec2(b));
  camera_.center = 0.5 * (lo + hi);
  const double aspect = double(viewport_.x) / std::max(1.0, double(viewport_.y));
  camera_.height = 1.15 * std::max(hi.y - lo.y, (hi.x - lo.x) / aspect);
  stale_ = true;
}

void FlowsLab::traceThrough(FlowPicture& v, std::vector<float>& params) {
  // The grid: lines over the base's +-3 sigma box (generate) or the training set's box.
  glm::dvec2 lo(-3.0 * s_.training.flow.baseScale), hi(-lo);
  if (!s_.generate) {
    lo = glm::dvec2(1e300);
    hi = glm::dvec2(-1e300);
    for (const glm::dvec2& p : train_) {
      lo = glm::min(lo, p);
      hi = glm::max(hi, p);
    }
  }
  std::vector<glm::dvec2> grid;
  for (size_t dir = 0; dir < 2; ++dir)
    for (size_t l = 0; l < kGridLines; ++l)
      for (size_t k = 0; k < kGridPoints; ++k) {
        const double a = double(l) / (kGridLines - 1), b = double(k) / (kGridPoints - 1);
        grid.push_back(dir == 0 ? glm::dvec2(lo.x + a * (hi.x - lo.x), lo.y + b * (hi.y - lo.y))
                                : glm::dvec2(lo.x + b * (hi.x - lo.x), lo.y + a * (hi.y - lo.y)));
      }
  std::vector<glm::dvec2> pts;
  if (s_.generate) {
    Pcg32 rng(s_.training.seed + 5);
    for (size_t i = 0; i < kShownPoints; ++i) {
      const double a = rng.normal(), b = rng.normal();
      pts.push_back(s_.training.flow.baseScale * glm::dvec2(a, b));
    }
  } else {
    const size_t stride = std::max<size_t>(1, train_.size() / kShownPoints);
    for (size_t i = 0; i < train_.size(); i += stride) pts.push_back(train_[i]);
  }
  auto traced = [&](const std::vector<glm::dvec2>& x) {
    return gpuFlow_ ? gpuFlow_->trace(s_.training.flow, params, flat(x), s_.generate)
                    : eval_->trace(params, flat(x), s_.generate);
  };
  const FlowTrace<float> g = traced(grid);
  const FlowTrace<float> p = traced(pts);
  for (const auto& st : g.states) v.gridStates.push_back(pairs(st));
  for (const auto& st : p.states) v.pointStates.push_back(pairs(st));
  v.gridLines = 2 * kGridLines;
  v.gridPointsPerLine = kGridPoints;
}

void FlowsLab::heatmapOf(FlowPicture& v, std::vector<float>& params) {
  v.heatmap = {};
  if (s_.heatmap == FlowHeatmap::None) return;
  const uint32_t nx = viewport_.x / FlowPicture::kCellPixels + 1,
                 ny = viewport_.y / FlowPicture::kCellPixels + 1;
  std::vector<glm::dvec2> nodes;
  for (uint32_t j = 0; j < ny; ++j)
    for (uint32_t i = 0; i < nx; ++i)
      nodes.push_back(camera_.pixelToWorld(
          {double(i * FlowPicture::kCellPixels), double(j * FlowPicture::kCellPixels)},
          int(viewport_.x), int(viewport_.y)));
  std::vector<float> values(nodes.size());
  const FlowHeatmap h = s_.heatmap;
  const double blur = data_->mixture ? 0.0 : kKdeBlur;
  if (h == FlowHeatmap::Split || h == FlowHeatmap::Model || h == FlowHeatmap::Data) {
    std::vector<double> model;
    if (h != FlowHeatmap::Data) model = eval_->logDensity(params, flat(nodes));
    for (size_t n = 0; n < nodes.size(); ++n) {
      const bool left = (n % nx) < nx / 2;
      const bool useModel = h == FlowHeatmap::Model || (h == FlowHeatmap::Split && left);
      const double lp = useModel ? model[n] : data_->logDensity(nodes[n], 1.0, blur);
      values[n] = float(std::exp(std::min(lp, 30.0)));
    }
    v.heatmapLabel = h == FlowHeatmap::Split   ? "density: model (left) | data (right)"
                     : h == FlowHeatmap::Model ? "density exp(log p) of the flow"
                                               : "density of the data";
  } else if (h == FlowHeatmap::LayerLogDet) {
    const int k = std::max(1, shownLayer());
    std::vector<float> p = flat(nodes);
    const std::vector<float> ld = eval_->layer(size_t(k - 1), params, p, false);
    values = ld;
    v.heatmapLabel = "log |det J| of layer " + std::to_string(k) + " at its input";
  } else {
    for (size_t n = 0; n < nodes.size(); ++n)
      values[n] =
          float(velocityDivergence(data_->model(), OdePath::Flow, nodes[n], s_.divergenceTime));
    char buf[96];
    std::snprintf(buf, sizeof(buf), "div v at t = %.2f (flow ODE)", s_.divergenceTime);
    v.heatmapLabel = buf;
  }
  std::vector<float> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const bool density = h == FlowHeatmap::Split || h == FlowHeatmap::Model || h == FlowHeatmap::Data;
  v.heatmap.nx = nx;
  v.heatmap.ny = ny;
  v.heatmap.lo = density ? 0.0f : sorted[sorted.size() / 100];
  v.heatmap.hi = sorted[std::min(sorted.size() - 1, sorted.size() * 995 / 1000)];
  if (!(v.heatmap.hi > v.heatmap.lo)) v.heatmap.hi = v.heatmap.lo + 1.0f;
  v.heatmap.values = std::move(values);
}

void FlowsLab::evaluate() {
  FlowPicture v;
  std::vector<float> params = trainer_->parameters();
  v.step = steps();
  v.serial = ++serial_;
  v.viewWidth = viewport_.x;
  v.viewHeight = viewport_.y;
  traceThrough(v, params);
  heatmapOf(v, params);
  if (!heldOut_.empty()) {
    const std::vector<float> x = flat(heldOut_);
    const FlowTrace<float> t = eval_->trace(params, x, false);
    double base = 0.0;
    const std::vector<float>& z = t.states.back();
    const double s2 = std::pow(s_.training.flow.baseScale, 2);
    for (size_t r = 0; r < heldOut_.size(); ++r)
      base += -(double(z[2 * r]) * z[2 * r] + double(z[2 * r + 1]) * z[2 * r + 1]) / (2 * s2) -
              std::log(2.0 * M_PI * s2);
    v.baseLogp = base / double(heldOut_.size());
    double total = v.baseLogp;
    for (const auto& ld : t.logDets) {
      double m = 0.0;
      for (float d : ld) m += d;
      v.layerLogDet.push_back(m / double(ld.size()));
      total += v.layerLogDet.back();
    }
    v.heldOutNll = -total;
  }
  view_ = std::move(v);
  stale_ = false;
  ++revision_;
}

void FlowsLab::computeOdeLine() {
  if (!data_->mixture)
    throw InputError("ODE likelihood: the data has no closed-form density (a mixture has)");
  OdeLikelihoodSpec spec = s_.ode;
  std::shared_ptr<const LearnedModel> learned;
  if (!s_.odeModel.empty()) {
    learned = LearnedModel::load(s_.odeModel);
    spec.sigmaData = learned->objective().spec().sigmaData;
    if (spec.path == OdePath::Flow && learned->objective().spec().kind != ObjectiveKind::Flow)
      throw InputError("ODE path: the flow path reaches t = 1, where a network trained with " +
                       objectiveName(learned->objective().spec().kind) +
                       " is undefined; choose the edm path");
  }
  const ExactModel& model = learned ? static_cast<const ExactModel&>(*learned) : *data_->mixture;
  OdeLine line;
  line.model = learned ? s_.odeModel : "the exact mixture";
  line.hutchinson = spec.trace == TraceKind::Hutchinson;
  const double half =
      0.5 * camera_.height * double(viewport_.x) / std::max(1.0, double(viewport_.y));
  std::vector<glm::dvec2> pts;
  for (int i = 0; i < 64; ++i) {
    const double x = camera_.center.x - half + 2.0 * half * (i + 0.5) / 64.0;
    pts.push_back({x, s_.lineY});
    line.x.push_back(x);
    line.closed.push_back(data_->mixture->evaluate(pts.back(), 1.0, 0.0).logp);
  }
  for (const OdeLikelihood& o : odeLikelihoods(model, pts, spec)) {
    line.ode.push_back(o.logp);
    line.standardError.push_back(o.standardError);
    line.meanStandardError += o.standardError / 64.0;
  }
  const size_t densest =
      size_t(std::max_element(line.closed.begin(), line.closed.end()) - line.closed.begin());
  OdeTrajectory traj;
  odeLikelihood(model, pts[densest], spec, densest, &traj);
  line.trajectory = traj.points;
  line.trajectoryLogp = traj.logDensity;
  line.trajectoryT = odeLevels(spec);
  line.steps = {16, 32, 64, 128, 256, 512};
  std::vector<glm::dvec2> few;
  constexpr size_t kEvery = 4;  // the table's points: every 4th of the line's
  for (size_t i = 0; i < pts.size(); i += kEvery) few.push_back(pts[i]);
  for (OdeSolver solver : {OdeSolver::Euler, OdeSolver::Heun, OdeSolver::Rk4}) {
    std::vector<double> row;
    for (int n : line.steps) {
      OdeLikelihoodSpec o = spec;
      o.solver = solver;
      o.steps = n;
      o.trace = TraceKind::Exact;
      const auto r = odeLikelihoods(model, few, o);
      double worst = 0.0;
      for (size_t i = 0; i < few.size(); ++i)
        worst = std::max(worst, std::abs(r[i].logp - line.closed[kEvery * i]));
      row.push_back(worst);
    }
    line.error.push_back(row);
  }
  odeLine_ = std::move(line);
}

std::string FlowsLab::status() const {
  char buf[256];
  std::snprintf(
      buf, sizeof(buf), "Flows: %s, %d layers, step %ld/%ld, NLL %.4f%s, layer %d/%d",
      flowKindName(s_.training.flow.kind).c_str(), layerCount(), steps(),
      s_.training.adam.totalSteps, nll_.empty() ? 0.0 : double(nll_.back()),
      view_ ? (", held-out " + std::to_string(view_->heldOutNll).substr(0, 6)).c_str() : "",
      shownLayer(), layerCount());
  return buf;
}

void FlowsLab::addStats(nlohmann::json& stats) const {
  stats["flow_step"] = steps();
  stats["flow_nll"] = nll_.empty() ? nlohmann::json() : nlohmann::json(nll_.back());
  stats["flow_heldout_nll"] = view_ ? nlohmann::json(view_->heldOutNll) : nlohmann::json();
  stats["flow_data_nll"] = dataNll_ ? nlohmann::json(*dataNll_) : nlohmann::json();
  stats["flow_layer"] = shownLayer();
  stats["flow_layers"] = layerCount();
  stats["flow_backend"] = backendName();
  stats["flow_drawing_backend"] = drawingBackend();
}

nlohmann::json FlowsLab::sceneJson() const {
  const FlowsSettings& s = s_;
  return {{"flowscope_scene", 1},
          {"lab", info().sceneTag},
          {"camera", cameraJson(camera_)},
          {"data", s.data},
          {"points", s.points},
          {"flow", flowSpecJson(s.training.flow)},
          {"optimiser",
           {{"lr", s.training.adam.learningRate},
            {"steps", s.training.adam.totalSteps},
            {"batch", s.training.batch},
            {"seed", s.training.seed}}},
          {"trained_steps", steps()},
          {"view",
           {{"generate", s.generate},
            {"layer", s.layer},
            {"heatmap", flowHeatmapName(s.heatmap)},
            {"grid", s.showGrid},
            {"points", s.showPoints},
            {"steps_per_frame", s.stepsPerFrame},
            {"divergence_t", s.divergenceTime},
            {"line_y", s.lineY}}},
          {"ode",
           {{"path", odePathName(s.ode.path)},
            {"solver", odeSolverName(s.ode.solver)},
            {"steps", s.ode.steps},
            {"start", s.ode.uMin},
            {"trace", traceKindName(s.ode.trace)},
            {"probes", s.ode.probes},
            {"probe", probeKindName(s.ode.probe)},
            {"model", s.odeModel}}}};
}

nlohmann::json FlowsLab::editState() const {
  nlohmann::json j = sceneJson();
  j.erase("camera");
  j.erase("trained_steps");
  return j;
}

void FlowsLab::openScene(const nlohmann::json& j, const std::string& source) {
  const JsonReader r(source);
  if (!j.is_object()) r.fail("", "expected an object");
  FlowsSettings s = s_;
  const View2D camera = r.camera(j);
  s.data = r.string(j, "data", "data");
  s.points = r.integer(j, "points", "points");
  if (!j.contains("flow")) r.fail("flow", "missing");
  r.apply("flow", [&] { s.training.flow = flowSpecFromJson(j["flow"]); });
  const auto& o = r.object(j, "optimiser", "optimiser", {"lr", "steps", "batch", "seed"});
  s.training.adam.learningRate = r.number(o, "lr", "optimiser.lr");
  s.training.adam.totalSteps = r.integer(o, "steps", "optimiser.steps");
  s.training.batch = r.integer(o, "batch", "optimiser.batch");
  s.training.seed = uint64_t(r.integer(o, "seed", "optimiser.seed"));
  const long trained = r.integer(j, "trained_steps", "trained_steps");
  if (trained < 0 || trained > s.training.adam.totalSteps)
    r.fail("trained_steps", "between 0 and optimiser.steps");
  const auto& v = r.object(j, "view", "view",
                           {"generate", "layer", "heatmap", "grid", "points", "steps_per_frame",
                            "divergence_t", "line_y"});
  s.generate = r.boolean(v, "generate", "view.generate");
  s.layer = r.integer(v, "layer", "view.layer");
  r.apply("view.heatmap",
          [&] { s.heatmap = parseFlowHeatmap(r.string(v, "heatmap", "view.heatmap")); });
  s.showGrid = r.boolean(v, "grid", "view.grid");
  s.showPoints = r.boolean(v, "points", "view.points");
  s.stepsPerFrame = r.integer(v, "steps_per_frame", "view.steps_per_frame");
  s.divergenceTime = r.number(v, "divergence_t", "view.divergence_t");
  s.lineY = r.number(v, "line_y", "view.line_y");
  const auto& d = r.object(
      j, "ode", "ode", {"path", "solver", "steps", "start", "trace", "probes", "probe", "model"});
  r.apply("ode.path", [&] { s.ode.path = parseOdePath(r.string(d, "path", "ode.path")); });
  r.apply("ode.solver",
          [&] { s.ode.solver = parseOdeSolver(r.string(d, "solver", "ode.solver")); });
  s.ode.steps = r.integer(d, "steps", "ode.steps");
  s.ode.uMin = r.number(d, "start", "ode.start");
  r.apply("ode.trace", [&] { s.ode.trace = parseTraceKind(r.string(d, "trace", "ode.trace")); });
  s.ode.probes = r.integer(d, "probes", "ode.probes");
  r.apply("ode.probe", [&] { s.ode.probe = parseProbeKind(r.string(d, "probe", "ode.probe")); });
  s.odeModel = r.string(d, "model", "ode.model");
  r.applySection("flows", [&] { validate(s); });
  const int layers = int(flowLayout(s.training.flow).layers.size());
  if (s.layer < -1 || s.layer > layers)
    r.fail("view.layer", "-1 (all) or 0.." + std::to_string(layers) + " (the flow's layers)");
  // The same training at the same step (undo of a view edit, a scene saved a moment ago): the
  // trained flow stays; otherwise training starts again and catches up over the next frames.
  const bool same = trainingKey(s) == trainingKey(s_) && trained == steps();
  r.applySection("flows", [&] { same ? setSettings(s) : rebuild(s); });
  s_.layer = s.layer;
  animated_ = shownLayer();
  camera_ = camera;
  pendingSteps_ = same ? 0 : trained;
}

void FlowsLab::saveFlow(const std::string& path) const {
  const std::vector<float>& w = trainer_->parameters();
  flowscope::saveFlow({s_.training.flow,
                       {w.begin(), w.end()},
                       view_ ? std::optional<double>(view_->heldOutNll) : std::nullopt},
                      path);
}

void FlowsLab::loadFlow(const std::string& path) {
  const FlowWeights w = flowscope::loadFlow(path);
  FlowsSettings s = s_;
  s.training.flow = w.spec;
  rebuild(s);
  trainer_->setParameters({w.parameters.begin(), w.parameters.end()});
  stale_ = true;
}

}  // namespace flowscope
