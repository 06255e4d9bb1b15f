#include "EstimatorsLab.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "EstimatorKernel.h"
#include "GpuContext.h"
#include "InputError.h"
#include "Parallel.h"

namespace flowscope {
namespace {

constexpr double kMinSigma = 1e-2;  // the descent keeps sigma above it

}  // namespace

const std::vector<int> EstimatorsLab::kSweepSamples = {1, 2, 4, 8, 16, 32, 64, 128, 256};
const std::vector<double> EstimatorsLab::kSweepTaus = {0.05, 0.08, 0.13, 0.2, 0.32,
                                                       0.5,  0.8,  1.3,  2.0, 5.0};
const std::vector<double> EstimatorsLab::kSimplexTaus = {0.1, 0.5, 2.0};

EstimatorProblem problemOf(const EstimatorsSettings& s) {
  EstimatorProblem p;
  p.dist = s.dist;
  if (s.dist == EstimatorDist::Gaussian) {
    p.theta = s.gaussianTheta;
    bool named = false;
    for (GaussianF f :
         {GaussianF::Square, GaussianF::Sin, GaussianF::Cos, GaussianF::Step, GaussianF::Abs})
      if (s.f == gaussianFName(f)) p.f = f, named = true;
    if (!named) p.expression = Expression::parse(s.f);
  } else if (s.dist == EstimatorDist::Gaussian2d) {
    p.theta = s.planeTheta;
    bool named = false;
    for (Gaussian2F f :
         {Gaussian2F::Bowl, Gaussian2F::Product, Gaussian2F::Wave, Gaussian2F::Quadrant})
      if (s.f2 == gaussian2FName(f)) p.f2 = f, named = true;
    if (!named) {
      try {
        p.expression = Expression::parse(s.f2);
      } catch (const InputError& e) {  // "f: ..." is f2's here
        throw InputError("f2" + std::string(e.what()).substr(1));
      }
    }
  } else {
    p.theta = s.logits;
    p.table = s.table;
  }
  validate(p);
  return p;
}

void validate(const EstimatorsSettings& s) {
  const EstimatorProblem p = problemOf(s);
  if (s.component < 0 || s.component >= int(p.theta.size()))
    throw InputError("component: between 0 and " + std::to_string(p.theta.size() - 1));
  if (s.samples < 1 || s.samples > 256) throw InputError("samples: between 1 and 256");
  if (s.repeats < 100 || s.repeats > 20000) throw InputError("repeats: between 100 and 20000");
  if (!(s.tau > 0.0 && s.tau <= 100.0)) throw InputError("tau: in (0, 100]");
  if (!(s.learningRate > 0.0 && s.learningRate <= 10.0))
    throw InputError("learning rate: in (0, 10]");
  if (s.steps < 1 || s.steps > 10000) throw InputError("steps: between 1 and 10000");
}

const LabInfo& describeEstimatorsLab() {
  static const LabInfo info{"estimators", "Estimators", "gradient-estimators"};
  return info;
}

std::unique_ptr<Lab> makeEstimatorsLab() {
  return std::make_unique<EstimatorsLab>();
}

EstimatorsLab::EstimatorsLab(EstimatorsSettings s) {
  setSettings(s);
}

const LabInfo& EstimatorsLab::info() const {
  return describeEstimatorsLab();
}

EstimatorsLab::~EstimatorsLab() = default;

void EstimatorsLab::useGpu(const GpuContext* gpu) {
  if (gpu_.place(gpu, backend())) stale_ = true;  // the shell names it every frame
}

void EstimatorsLab::backendChanged() {
  if (gpu_.place(backend())) stale_ = true;
}

std::string EstimatorsLab::backendName() const {
  if (gpu_ && !problem_.expression)
    return "the estimator kernel on " + gpu_.describe() + ", float32";
  return "CPU, double";
}

std::vector<std::vector<double>> EstimatorsLab::estimatesOf(const EstimatorSpec& spec) const {
  if (!gpu_ || problem_.expression) return gradientEstimates(problem_, spec);
  std::vector<float> noise;
  for (int r = 0; r < spec.repeats; ++r) {  // the CPU's streams (gradientEstimates')
    Pcg32 rng(spec.seed, 1000u + uint64_t(r));
    const auto e = drawNoise(problem_, spec, rng);
    noise.insert(noise.end(), e.begin(), e.end());
  }
  const std::vector<float> g = gpu_->estimates(problem_, spec, noise);
  const size_t n = problem_.theta.size();
  std::vector<std::vector<double>> out(size_t(spec.repeats));
  for (size_t r = 0; r < out.size(); ++r)
    out[r].assign(g.begin() + long(r * n), g.begin() + long((r + 1) * n));
  return out;
}

void EstimatorsLab::setSettings(const EstimatorsSettings& s) {
  validate(s);
  // What each part depends on: an edit of the descent's rate or target keeps the estimates, one of
  // the component or the estimate count keeps the descent.
  const bool sameDraws = s.dist == s_.dist && s.gaussianTheta == s_.gaussianTheta && s.f == s_.f &&
                         s.planeTheta == s_.planeTheta && s.f2 == s_.f2 && s.logits == s_.logits &&
                         s.table == s_.table && s.samples == s_.samples && s.tau == s_.tau &&
                         s.seed == s_.seed;
  const bool estimatesKept = sameDraws && s.component == s_.component && s.repeats == s_.repeats;
  const bool descentKept = sameDraws && s.learningRate == s_.learningRate && !descent_.empty();
  s_ = s;
  problem_ = problemOf(s_);
  stale_ = stale_ || !estimatesKept;
  if (!descentKept) resetDescent();
  ++revision_;
}

EstimatorSpec EstimatorsLab::specFor(EstimatorKind k, int samples) const {
  EstimatorSpec spec;
  spec.kind = k;
  spec.tau = s_.tau;
  spec.samples = samples;
  spec.repeats = s_.repeats;
  spec.seed = s_.seed;
  return spec;
}

void EstimatorsLab::recompute() {
  const size_t k = size_t(s_.component);
  objective_ = objective(problem_);
  exact_ = exactGradient(problem_);
  rows_.clear();
  skipped_.clear();
  for (EstimatorKind kind : allEstimators()) {
    EstimatorSpec spec = specFor(kind, s_.samples);
    try {
      checkApplies(kind, problem_.dist);
    } catch (const InputError&) {
      continue;  // another distribution's estimator
    }
    try {
      validate(spec);
      if (kind == EstimatorKind::ReinforceLoo && s_.samples < 2)
        throw InputError("samples: at least 2 (the others' mean is the baseline)");
    } catch (const InputError& e) {
      skipped_.push_back(estimatorKindName(kind) + ": " + e.what());
      continue;
    }
    EstimatorRow row{kind, {}, {}, {}, {}};
    const auto all = estimatesOf(spec);
    row.stats = statsOf(problem_, all);
    for (const auto& e : all) row.estimates.push_back(e[k]);
    for (int m : kSweepSamples) {
      EstimatorSpec sweep = specFor(kind, kind == EstimatorKind::ReinforceLoo ? std::max(m, 2) : m);
      sweep.repeats = kSweepRepeats;
      const EstimatorStats st = statsOf(problem_, estimatesOf(sweep));
      row.varianceBySamples.push_back(st.variance[k]);
      row.biasBySamples.push_back(std::abs(st.bias[k]));
    }
    rows_.push_back(std::move(row));
  }
  tauSweep_.reset();
  simplex_.clear();
  gumbelFrequencies_.clear();
  probabilities_.clear();
  if (problem_.dist != EstimatorDist::Categorical) return;
  TauSweep t;
  for (double tau : kSweepTaus) {
    EstimatorSpec spec = specFor(EstimatorKind::GumbelSoftmax, s_.samples);
    spec.tau = tau;
    spec.repeats = kSweepRepeats;
    const EstimatorStats st = statsOf(problem_, estimatesOf(spec));
    t.bias.push_back(std::abs(st.bias[k]));
    t.variance.push_back(st.variance[k]);
  }
  tauSweep_ = t;
  Pcg32 rng(s_.seed, 7u);
  if (problem_.theta.size() == 3)
    for (double tau : kSimplexTaus) {
      std::vector<std::vector<double>> pts;
      for (int i = 0; i < kSimplexPoints; ++i)
        pts.push_back(relaxedSample(problem_.theta, tau, rng));
      simplex_.push_back(std::move(pts));
    }
  gumbelFrequencies_.assign(problem_.theta.size(), 0.0);
  for (int i = 0; i < s_.repeats; ++i)
    gumbelFrequencies_[size_t(gumbelMax(problem_.theta, rng))] += 1.0 / s_.repeats;
  const double top = *std::max_element(problem_.theta.begin(), problem_.theta.end());
  double sum = 0.0;
  for (double v : problem_.theta)
    probabilities_.push_back(std::exp(v - top)), sum += probabilities_.back();
  for (double& p : probabilities_) p /= sum;
}

void EstimatorsLab::resetDescent() {
  descent_.clear();
  playing_ = false;
  for (EstimatorKind kind : allEstimators()) {
    try {
      checkApplies(kind, problem_.dist);
    } catch (const InputError&) {
      continue;
    }
    if (kind == EstimatorKind::ReinforceLoo && s_.samples < 2) continue;
    if (kind == EstimatorKind::StraightThrough) continue;  // its gradient is gumbel-softmax's
    descent_.push_back({kind, {problem_.theta}, {objective(problem_)}, -1});
  }
  ++revision_;
}

void EstimatorsLab::descend(int steps) {
  for (int t = 0; t < steps && descentSteps() < s_.steps; ++t) {
    const long step = descentSteps();
    for (DescentPath& path : descent_) {
      EstimatorProblem p = problem_;
      p.theta = path.theta.back();
      if (path.divergedAt >= 0) {
        path.theta.push_back(p.theta);
        path.loss.push_back(path.loss.back());
        continue;
      }
      // The same draws for every estimator at a step (common random numbers).
      Pcg32 rng(s_.seed + 17, 5000u + uint64_t(step));
      const std::vector<double> g = estimateGradient(p, specFor(path.kind, s_.samples), rng);
      for (size_t j = 0; j < g.size(); ++j) p.theta[j] -= s_.learningRate * g[j];
      if (p.dist != EstimatorDist::Categorical)
        p.theta.back() = std::max(p.theta.back(), kMinSigma);
      double loss = NAN;
      if (std::all_of(p.theta.begin(), p.theta.end(),
                      [](double v) { return std::isfinite(v) && std::abs(v) < 1e6; })) {
        try {
          loss = objective(p);
        } catch (const InputError&) {  // a typed f not finite out there
        }
      }
      if (!std::isfinite(loss)) {
        path.divergedAt = step + 1;
        path.theta.push_back(path.theta.back());
        path.loss.push_back(path.loss.back());
        continue;
      }
      path.theta.push_back(p.theta);
      path.loss.push_back(loss);
    }
  }
  ++revision_;
}

void EstimatorsLab::showStep(int step) {
  if (step < 0 || step > s_.steps)
    throw InputError("step: between 0 and " + std::to_string(s_.steps));
  resetDescent();
  descend(step);
}

void EstimatorsLab::update() {
  if (stale_) {
    recompute();
    stale_ = false;
    ++revision_;
  }
}

void EstimatorsLab::settle(const std::function<void(int, int)>& progress) {
  (void)progress;
  update();
}

void EstimatorsLab::tick(double seconds) {
  if (!playing_) return;
  // 50 steps a second, but never more than 15 ms of them a frame (a typed 2-D f's exact loss is
  // a quadrature per path and step): the clock's surplus is dropped, not owed.
  playClock_ += seconds * 50.0;
  const auto t0 = std::chrono::steady_clock::now();
  while (playClock_ >= 1.0 && descentSteps() < s_.steps) {
    descend(1);
    playClock_ -= 1.0;
    if (std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(15)) {
      playClock_ = 0.0;
      break;
    }
  }
  if (descentSteps() >= s_.steps) playing_ = false;
}

bool EstimatorsLab::togglePlay() {
  playing_ = !playing_ && descentSteps() < s_.steps;
  return true;
}

bool EstimatorsLab::stepPlayback(int delta) {
  if (delta > 0) descend(delta);
  return true;
}

bool EstimatorsLab::resetPlayback() {
  resetDescent();
  return true;
}

std::string EstimatorsLab::status() const {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "Estimators: %s, L = %.5g, dL/dtheta_%d = %.5g, descent step %ld",
                estimatorDistName(s_.dist).c_str(), objective_, s_.component,
                exact_.empty() ? 0.0 : exact_[size_t(s_.component)], descentSteps());
  return buf;
}

void EstimatorsLab::addStats(nlohmann::json& stats) const {
  stats["estimators_objective"] = objective_;
  stats["estimators_exact"] = exact_;
  for (const EstimatorRow& r : rows_) {
    const std::string key = "estimators_" + estimatorKindName(r.kind);
    stats[key + "_variance"] = r.stats.variance[size_t(s_.component)];
    stats[key + "_bias"] = r.stats.bias[size_t(s_.component)];
  }
  stats["estimators_descent_steps"] = double(descentSteps());
}

nlohmann::json EstimatorsLab::sceneJson() const {
  return estimatorsSceneToJson({s_, descentSteps()}, camera_);
}

nlohmann::json EstimatorsLab::editState() const {
  nlohmann::json j = Lab::editState();
  j["estimators"].erase("descent_steps");  // playback moves it
  return j;
}

void EstimatorsLab::openScene(const nlohmann::json& scene, const std::string& source) {
  const EstimatorsScene parsed = estimatorsSceneFromJson(scene, source);
  if (parsed.descentSteps > parsed.settings.steps)
    throw InputError(source + ": field 'estimators.descent_steps': above estimators.steps");
  setSettings(parsed.settings);
  if (descentSteps() != parsed.descentSteps) {
    resetDescent();
    descend(int(parsed.descentSteps));
  }
}

}  // namespace flowscope
