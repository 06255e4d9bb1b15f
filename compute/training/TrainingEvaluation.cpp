#include "TrainingEvaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "DiffusionParams.h"
#include "DiffusionSimulation.h"
#include "Metrics.h"
#include "MixtureGrids.h"
#include "Parallel.h"

namespace flowscope {
namespace {

std::vector<glm::dvec2> widened(const std::vector<glm::vec2>& v) {
  return {v.begin(), v.end()};
}

struct Run {
  std::vector<glm::vec2> samples;
  double straightness = 1.0;
};

Run sampleWith(const std::shared_ptr<const Dataset>& data, const SamplingConfig& c) {
  DiffusionSimulation sim(data, c, nullptr);
  sim.seek(sim.steps());
  return {sim.positions(sim.steps()), trajectoryStats(sim.trackedPaths()).meanStraightness};
}

void fields(const EvaluationRequest& r, Evaluation& e) {
  const TrainingSettings& s = r.settings;
  const glm::dvec2 level = levelPoint(s);
  const bool flow = s.training.objective.kind == ObjectiveKind::Flow;
  const int w = int(r.width), h = int(r.height);
  auto world = [&](double px, double py) { return r.camera.pixelToWorld({px, py}, w, h); };
  const uint32_t ax = std::max<uint32_t>(2, r.width / Evaluation::kArrowPixels),
                 ay = std::max<uint32_t>(2, r.height / Evaluation::kArrowPixels);
  e.learnedArrows.resize(size_t(ax) * ay);
  e.exactArrows.resize(size_t(ax) * ay);
  parallelFor(e.learnedArrows.size(), [&](size_t i) {
    const glm::dvec2 x = world((double(i % ax) + 0.5) * w / ax, (double(i / ax) + 0.5) * h / ay);
    const glm::dvec2 a = fieldAt(*r.model, x, level.x, level.y, s.field, flow);
    const glm::dvec2 b = fieldAt(*r.exact, x, level.x, level.y, s.field, flow);
    e.learnedArrows[i] = glm::vec4(x.x, x.y, a.x, a.y);
    e.exactArrows[i] = glm::vec4(x.x, x.y, b.x, b.y);
  });
  ScalarGrid& g = e.difference;
  const uint32_t cell = Evaluation::kCellPixels;
  g.nx = r.width / cell + 2;
  g.ny = r.height / cell + 2;
  g.values.resize(size_t(g.nx) * g.ny);
  std::vector<double> exactNorm(g.values.size());
  parallelFor(g.values.size(), [&](size_t i) {
    const glm::dvec2 x = world(double(i % g.nx) * cell, double(i / g.nx) * cell);
    const glm::dvec2 a = fieldAt(*r.model, x, level.x, level.y, s.field, flow);
    const glm::dvec2 b = fieldAt(*r.exact, x, level.x, level.y, s.field, flow);
    g.values[i] = float(glm::length(a - b));
    exactNorm[i] = glm::length(b);
  });
  // Means and the colour range over the nodes near the data (its bounding box, 10% wider): far
  // from it both fields grow without bound and would wash the range out.
  glm::dvec2 lo(1e300), hi(-1e300);
  for (const glm::dvec2& p : r.trainingSet->points()) lo = glm::min(lo, p), hi = glm::max(hi, p);
  const glm::dvec2 margin = 0.1 * (hi - lo);
  std::vector<double> near;
  double norm = 0.0;
  for (size_t i = 0; i < g.values.size(); ++i) {
    const glm::dvec2 x = world(double(i % g.nx) * cell, double(i / g.nx) * cell);
    if (glm::all(glm::greaterThanEqual(x, lo - margin)) &&
        glm::all(glm::lessThanEqual(x, hi + margin)))
      near.push_back(g.values[i]), norm += exactNorm[i];
  }
  double sum = 0.0;
  for (double v : near) sum += v;
  e.meanDifference = near.empty() ? 0.0 : sum / double(near.size());
  e.meanExact = near.empty() ? 0.0 : norm / double(near.size());
  g.lo = 0.0f;  // to the 95th percentile near the data
  g.hi = std::max(1e-6f, near.empty() ? 1.0f : float(percentile(near, 95.0)));
}

// The first hidden layer's units at the level over the view: what each neuron responds to.
NeuronTiles firstLayerTiles(const LearnedModel& model, const TrainingSettings& s,
                            const View2D& camera, uint32_t width, uint32_t height) {
  NeuronTiles t;
  const int side = NeuronTiles::kSide;
  const int units = std::min(NeuronTiles::kMaxUnits, model.weights().spec.width);
  t.units.assign(size_t(units), std::vector<float>(size_t(side) * side));
  const glm::dvec2 level = levelPoint(s);
  parallelFor(size_t(side) * side, [&](size_t i) {
    const glm::dvec2 px((double(i % side) + 0.5) * width / side,
                        (double(i / side) + 0.5) * height / side);
    const glm::dvec2 x = camera.pixelToWorld(px, int(width), int(height));
    const Objective::Query q = model.objective().query(x, level.x, level.y);
    const std::vector<float> a = model.hiddenActivations(q.input, q.level).front();
    for (int u = 0; u < units; ++u) t.units[size_t(u)][i] = a[size_t(u)];
  });
  t.lo = 1e30f, t.hi = -1e30f;
  for (const auto& u : t.units)
    for (float v : u) t.lo = std::min(t.lo, v), t.hi = std::max(t.hi, v);
  return t;
}

}  // namespace

glm::dvec2 levelPoint(const TrainingSettings& s) {
  if (s.training.objective.kind == ObjectiveKind::Flow) return {1.0 - s.level, s.level};
  return {1.0, s.level};
}

SamplingConfig samplingOf(const TrainingSettings& s, int particles, uint64_t seed) {
  SamplingConfig c;
  c.sampler.kind = s.sampler;
  c.schedule = defaultSchedule(customarySchedule(s.sampler), s.samplerSteps);
  c.particleCount = particles;
  c.seed = seed;
  return c;
}

Evaluation evaluateSnapshot(const EvaluationRequest& r) {
  const auto start = std::chrono::steady_clock::now();
  Evaluation e;
  e.step = r.step;
  e.viewHeight = r.height;
  const TrainingSettings& s = r.settings;
  const auto learned = withLearnedModel(r.data, r.model, "the network");
  const uint64_t seed = s.training.seed + 17;
  const Run run = sampleWith(learned, samplingOf(s, s.particles, seed));
  e.samples = run.samples;
  e.straightness = run.straightness;
  e.energyDistance = energyDistance(widened(e.samples), r.reference);
  e.memorised = r.trainingSet->copiedFraction(e.samples);
  if (s.training.objective.kind == ObjectiveKind::Flow) {
    TrainingSettings one = s;
    one.sampler = SamplerKind::FlowEuler;
    one.samplerSteps = 1;
    e.oneStep = sampleWith(learned, samplingOf(one, s.particles, seed)).samples;
    e.oneStepEnergyDistance = energyDistance(widened(e.oneStep), r.reference);
  }
  if (r.idealMemorisation) {
    auto ideal = std::make_shared<Dataset>(*r.data);
    ideal->mixture.reset();
    ideal->coupling.reset();
    ideal->points = *r.trainingSet;
    const Run copy = sampleWith(ideal, samplingOf(s, std::min(s.particles, 500), seed));
    e.idealMemorised = r.trainingSet->copiedFraction(copy.samples);
  }
  fields(r, e);
  e.neurons = firstLayerTiles(*r.model, s, r.camera, r.width, r.height);
  e.ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return e;
}

}  // namespace flowscope
