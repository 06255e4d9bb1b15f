#include "TransportScene.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "InputError.h"
#include "JsonReader.h"
#include "OutputFiles.h"

namespace flowscope {
namespace {

using nlohmann::json;

json sideJson(const MeasureSpec& spec, const std::vector<glm::dvec2>& points,
              const std::vector<double>& weights) {
  json pts = json::array();
  for (const auto& p : points) pts.push_back({p.x, p.y});
  return {{"name", spec.name},   {"weights_path", spec.weightsPath},         {"count", spec.count},
          {"scale", spec.scale}, {"offset", {spec.offset.x, spec.offset.y}}, {"points", pts},
          {"weights", weights}};
}

void readSide(const JsonReader& r, const json& t, bool target, TransportScene& scene) {
  const std::string key = target ? "target" : "source", path = "transport." + key;
  const json& j = r.object(
      t, key, path, {"name", "weights_path", "count", "scale", "offset", "points", "weights"});
  MeasureSpec& spec = target ? scene.settings.target : scene.settings.source;
  spec.name = r.string(j, "name", path + ".name");
  spec.weightsPath = r.string(j, "weights_path", path + ".weights_path");
  spec.count = r.integer(j, "count", path + ".count");
  spec.scale = r.number(j, "scale", path + ".scale");
  if (!j.contains("offset")) r.fail(path + ".offset", "missing");
  spec.offset = r.point(j["offset"], path + ".offset");
  if (!j.contains("points") || !j["points"].is_array())
    r.fail(path + ".points", "expected [[x, y], ...]");
  if (!j.contains("weights") || !j["weights"].is_array())
    r.fail(path + ".weights", "expected [w, ...]");
  const json &pts = j["points"], &ws = j["weights"];
  if (pts.empty() || pts.size() > size_t(TransportLab::kMaxPoints))
    r.fail(path + ".points",
           "between 1 and " + std::to_string(TransportLab::kMaxPoints) + " points");
  if (ws.size() != pts.size())
    r.fail(path + ".weights",
           std::to_string(ws.size()) + " weights for " + std::to_string(pts.size()) + " points");
  auto& points = target ? scene.targetPoints : scene.sourcePoints;
  auto& weights = target ? scene.targetWeights : scene.sourceWeights;
  for (size_t i = 0; i < pts.size(); ++i) {
    const std::string at = "[" + std::to_string(i) + "]";
    points.push_back(r.point(pts[i], path + ".points" + at));
    weights.push_back(r.number(ws[i], path + ".weights" + at));
    if (weights.back() < 0.0) r.fail(path + ".weights" + at, "must be non-negative");
  }
  if (std::all_of(weights.begin(), weights.end(), [](double w) { return w == 0.0; }))
    r.fail(path + ".weights", "all weights are zero");
}

json criticSpecJson(const CriticSpec& c) {
  return {{"method", lipschitzName(c.method)},
          {"lambda", c.lambda},
          {"clip", c.clip},
          {"width", c.width},
          {"depth", c.depth},
          {"activation", activationName(c.activation)},
          {"batch", c.batch},
          {"lr", c.learningRate},
          {"seed", c.seed}};
}

const std::set<std::string> kCriticKeys = {"method",     "lambda", "clip", "width", "depth",
                                           "activation", "batch",  "lr",   "seed"};

void readCriticSpec(const JsonReader& r, const json& j, const std::string& path, CriticSpec& c) {
  r.apply(path + ".method",
          [&] { c.method = parseLipschitz(r.string(j, "method", path + ".method")); });
  r.apply(path + ".activation",
          [&] { c.activation = parseActivation(r.string(j, "activation", path + ".activation")); });
  c.lambda = r.number(j, "lambda", path + ".lambda");
  c.clip = r.number(j, "clip", path + ".clip");
  c.width = r.integer(j, "width", path + ".width");
  c.depth = r.integer(j, "depth", path + ".depth");
  c.batch = r.integer(j, "batch", path + ".batch");
  c.learningRate = r.number(j, "lr", path + ".lr");
  if (!j.contains("seed") || !j["seed"].is_number_unsigned())
    r.fail(path + ".seed", "expected a non-negative integer");
  c.seed = j["seed"].get<uint64_t>();
}

// "critic" and "gan" are optional (scenes written before these modes have neither).
void readLearned(const JsonReader& r, const json& t, TransportSettings& s) {
  if (t.contains("critic")) {
    std::set<std::string> keys = kCriticKeys;
    keys.insert("steps");
    const json& c = r.object(t, "critic", "transport.critic", keys);
    readCriticSpec(r, c, "transport.critic", s.critic.spec);
    s.critic.steps = r.integer(c, "steps", "transport.critic.steps");
    r.applySection("transport.critic", [&] { validate(s.critic); });
  }
  if (t.contains("gan")) {
    std::set<std::string> keys = kCriticKeys;
    for (const char* k : {"loss", "generator_width", "generator_depth", "generator_lr",
                          "critic_steps", "generator_steps", "iterations"})
      keys.insert(k);
    const json& g = r.object(t, "gan", "transport.gan", keys);
    readCriticSpec(r, g, "transport.gan", s.gan.spec.critic);
    r.apply("transport.gan.loss",
            [&] { s.gan.spec.loss = parseGanLoss(r.string(g, "loss", "transport.gan.loss")); });
    s.gan.spec.generatorWidth = r.integer(g, "generator_width", "transport.gan.generator_width");
    s.gan.spec.generatorDepth = r.integer(g, "generator_depth", "transport.gan.generator_depth");
    s.gan.spec.generatorLearningRate = r.number(g, "generator_lr", "transport.gan.generator_lr");
    s.gan.spec.criticSteps = r.integer(g, "critic_steps", "transport.gan.critic_steps");
    s.gan.spec.generatorSteps = r.integer(g, "generator_steps", "transport.gan.generator_steps");
    s.gan.iterations = r.integer(g, "iterations", "transport.gan.iterations");
    r.applySection("transport.gan", [&] { validate(s.gan); });
  }
}

json learnedJson(const TransportSettings& s) {
  json c = criticSpecJson(s.critic.spec);
  c["steps"] = s.critic.steps;
  json g = criticSpecJson(s.gan.spec.critic);
  g["loss"] = ganLossName(s.gan.spec.loss);
  g["generator_width"] = s.gan.spec.generatorWidth;
  g["generator_depth"] = s.gan.spec.generatorDepth;
  g["generator_lr"] = s.gan.spec.generatorLearningRate;
  g["critic_steps"] = s.gan.spec.criticSteps;
  g["generator_steps"] = s.gan.spec.generatorSteps;
  g["iterations"] = s.gan.iterations;
  return {{"critic", c}, {"gan", g}};
}

}  // namespace

TransportScene transportSceneFromJson(const json& j, const std::string& source) {
  JsonReader r(source);
  if (!j.is_object()) throw InputError(source + ": expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "flowscope_scene" && it.key() != "lab" && it.key() != "transport" &&
        it.key() != "camera")
      r.fail(it.key(), "unknown field");
  if (r.integer(j, "flowscope_scene", "flowscope_scene") != 1)
    r.fail("flowscope_scene", "unsupported version (this build reads 1)");
  if (r.string(j, "lab", "lab") != "transport") r.fail("lab", "expected transport");
  const json& t = r.object(
      j, "transport", "transport",
      {"method",    "cost",   "epsilon",      "annealing",   "tolerance",          "max_iterations",
       "seed",      "mode",   "show_plan",    "show_matrix", "show_interpolation", "animate",
       "potential", "t",      "step_through", "coupling",    "coupling_epsilon",   "coupling_count",
       "source",    "target", "critic",       "gan"});
  TransportScene scene;
  TransportSettings& s = scene.settings;
  auto str = [&](const char* key) { return r.string(t, key, std::string("transport.") + key); };
  r.apply("transport.method", [&] { s.method = parseOtMethod(str("method")); });
  r.apply("transport.cost", [&] { s.cost = parseCost(str("cost")); });
  r.apply("transport.mode", [&] { s.mode = parseMode(str("mode")); });
  r.apply("transport.potential", [&] { s.potential = parsePotential(str("potential")); });
  r.apply("transport.coupling", [&] { s.coupling = parseCouplingKey(str("coupling")); });
  s.epsilon = r.number(t, "epsilon", "transport.epsilon");
  s.tolerance = r.number(t, "tolerance", "transport.tolerance");
  s.maxIterations = r.integer(t, "max_iterations", "transport.max_iterations");
  if (!t.contains("seed") || !t["seed"].is_number_unsigned())
    r.fail("transport.seed", "expected a non-negative integer");
  s.seed = t["seed"].get<uint64_t>();
  s.t = r.number(t, "t", "transport.t");
  s.couplingEpsilon = r.number(t, "coupling_epsilon", "transport.coupling_epsilon");
  s.couplingCount = r.integer(t, "coupling_count", "transport.coupling_count");
  s.annealing = r.boolean(t, "annealing", "transport.annealing");
  s.showPlan = r.boolean(t, "show_plan", "transport.show_plan");
  s.showMatrix = r.boolean(t, "show_matrix", "transport.show_matrix");
  s.showInterpolation = r.boolean(t, "show_interpolation", "transport.show_interpolation");
  s.animate = r.boolean(t, "animate", "transport.animate");
  s.stepThrough = r.boolean(t, "step_through", "transport.step_through");
  readLearned(r, t, s);
  readSide(r, t, false, scene);
  readSide(r, t, true, scene);
  try {
    validate(s);
  } catch (const InputError& e) {  // "source count: ..." -> transport.source.count
    const std::string why = e.what();
    std::string key = why.substr(0, why.find(':'));
    for (const char* side : {"source ", "target "})
      if (key.rfind(side, 0) == 0) key = std::string(side, 6) + "." + key.substr(7);
    std::replace(key.begin(), key.end(), ' ', '_');
    r.fail("transport." + key, why.substr(why.find(": ") + 2));
  }
  scene.camera = r.camera(j);
  return scene;
}

json transportSceneToJson(const TransportScene& scene) {
  const TransportSettings& s = scene.settings;
  return {{"flowscope_scene", 1},
          {"lab", "transport"},
          {"transport",
           {{"method", otMethodName(s.method)},
            {"cost", costName(s.cost)},
            {"epsilon", s.epsilon},
            {"annealing", s.annealing},
            {"tolerance", s.tolerance},
            {"max_iterations", s.maxIterations},
            {"seed", s.seed},
            {"mode", modeName(s.mode)},
            {"show_plan", s.showPlan},
            {"show_matrix", s.showMatrix},
            {"show_interpolation", s.showInterpolation},
            {"animate", s.animate},
            {"potential", potentialName(s.potential)},
            {"t", s.t},
            {"step_through", s.stepThrough},
            {"coupling", couplingKey(s.coupling)},
            {"coupling_epsilon", s.couplingEpsilon},
            {"coupling_count", s.couplingCount},
            {"source", sideJson(s.source, scene.sourcePoints, scene.sourceWeights)},
            {"target", sideJson(s.target, scene.targetPoints, scene.targetWeights)},
            {"critic", learnedJson(s)["critic"]},
            {"gan", learnedJson(s)["gan"]}}},
          {"camera", cameraJson(scene.camera)}};
}

std::string transportSceneToString(const TransportScene& scene) {
  return transportSceneToJson(scene).dump(2) + "\n";
}

void saveTransportScene(const TransportScene& scene, const std::string& path) {
  writeFileAtomically(path, transportSceneToString(scene));
}

}  // namespace flowscope
