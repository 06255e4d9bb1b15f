#include "TrainingScene.h"

#include <nlohmann/json.hpp>

#include "DiffusionParams.h"
#include "InputError.h"
#include "JsonReader.h"
#include "MlpWeights.h"

namespace flowscope {
namespace {

using nlohmann::json;

json optimiserJson(const TrainingSpec& t) {
  return {{"lr", t.adam.learningRate},
          {"warmup", t.adam.warmupSteps},
          {"total_steps", t.adam.totalSteps},
          {"weight_decay", t.adam.weightDecay},
          {"clip_norm", t.adam.clipNorm},
          {"ema", t.emaDecay},
          {"batch", t.batch}};
}

void readOptimiser(const JsonReader& r, const json& t, TrainingSpec& spec) {
  const json& o =
      r.object(t, "optimiser", "training.optimiser",
               {"lr", "warmup", "total_steps", "weight_decay", "clip_norm", "ema", "batch"});
  spec.adam.learningRate = r.number(o, "lr", "training.optimiser.lr");
  spec.adam.warmupSteps = r.integer(o, "warmup", "training.optimiser.warmup");
  spec.adam.totalSteps = r.integer(o, "total_steps", "training.optimiser.total_steps");
  spec.adam.weightDecay = r.number(o, "weight_decay", "training.optimiser.weight_decay");
  spec.adam.clipNorm = r.number(o, "clip_norm", "training.optimiser.clip_norm");
  spec.emaDecay = r.number(o, "ema", "training.optimiser.ema");
  spec.batch = r.integer(o, "batch", "training.optimiser.batch");
}

void readDisplay(const JsonReader& r, const json& t, TrainingSettings& s) {
  s.stepsPerFrame = r.integer(t, "steps_per_frame", "training.steps_per_frame");
  s.level = r.number(t, "level", "training.level");
  r.apply("training.field", [&] { s.field = parseField(r.string(t, "field", "training.field")); });
  r.apply("training.sampler",
          [&] { s.sampler = parseSamplerKind(r.string(t, "sampler", "training.sampler")); });
  s.samplerSteps = r.integer(t, "sampler_steps", "training.sampler_steps");
  s.particles = r.integer(t, "particles", "training.particles");
  s.reflowPairs = r.integer(t, "reflow_pairs", "training.reflow_pairs");
  const json& show =
      r.object(t, "show", "training.show", {"samples", "data", "learned", "exact", "difference"});
  s.showSamples = r.boolean(show, "samples", "training.show.samples");
  s.showData = r.boolean(show, "data", "training.show.data");
  s.showLearned = r.boolean(show, "learned", "training.show.learned");
  s.showExact = r.boolean(show, "exact", "training.show.exact");
  s.showDifference = r.boolean(show, "difference", "training.show.difference");
}

}  // namespace

TrainingScene trainingSceneFromJson(const json& j, const std::string& source) {
  const JsonReader r(source);
  if (!j.is_object()) throw InputError(source + ": expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "flowscope_scene" && it.key() != "lab" && it.key() != "training" &&
        it.key() != "camera")
      r.fail(it.key(), "unknown field");
  if (r.string(j, "lab", "lab") != "training") r.fail("lab", "not a Training lab scene");
  const json& t =
      r.object(j, "training", "training",
               {"data", "points", "network", "objective", "optimiser", "coupling", "seed", "steps",
                "reflow_at", "weights", "steps_per_frame", "level", "field", "sampler",
                "sampler_steps", "particles", "reflow_pairs", "show", "playing"});
  TrainingScene scene;
  TrainingSettings& s = scene.settings;
  if (!t.contains("data")) r.fail("training.data", "missing");
  s.data = dataSourceFromJson(t["data"], source, "training.data");
  s.points = r.integer(t, "points", "training.points");
  if (!t.contains("network")) r.fail("training.network", "missing");
  r.apply("training.network", [&] { s.training.network = mlpSpecFromJson(t["network"]); });
  if (!t.contains("objective")) r.fail("training.objective", "missing");
  r.apply("training.objective", [&] { s.training.objective = objectiveFromJson(t["objective"]); });
  readOptimiser(r, t, s.training);
  const json& c = r.object(t, "coupling", "training.coupling", {"kind", "epsilon"});
  r.apply("training.coupling.kind", [&] {
    s.training.coupling = parseMinibatchCoupling(r.string(c, "kind", "training.coupling.kind"));
  });
  s.training.couplingEpsilon = r.number(c, "epsilon", "training.coupling.epsilon");
  const double seed = r.number(t, "seed", "training.seed");
  if (!(seed >= 0.0 && seed < 9007199254740992.0)) r.fail("training.seed", "0 .. 2^53");
  s.training.seed = uint64_t(seed);
  scene.steps = r.integer(t, "steps", "training.steps");
  if (scene.steps < 0) r.fail("training.steps", "must not be negative");
  if (!t.contains("reflow_at") || !t["reflow_at"].is_array())
    r.fail("training.reflow_at", "expected an array of steps");
  for (const json& k : t["reflow_at"]) {
    if (!k.is_number_integer() || k.get<long>() < 1 || k.get<long>() > scene.steps)
      r.fail("training.reflow_at", "steps between 1 and training.steps, in order");
    if (!scene.reflowAt.empty() && k.get<long>() < scene.reflowAt.back())
      r.fail("training.reflow_at", "steps between 1 and training.steps, in order");
    scene.reflowAt.push_back(k.get<long>());
  }
  scene.weights = r.string(t, "weights", "training.weights");
  readDisplay(r, t, s);
  scene.playing = r.boolean(t, "playing", "training.playing");
  r.apply("training", [&] { validate(s); });
  scene.camera = r.camera(j);
  return scene;
}

json trainingSceneToJson(const TrainingScene& scene) {
  const TrainingSettings& s = scene.settings;
  json t = {{"data", toJson(s.data)},
            {"points", s.points},
            {"network", mlpSpecJson(s.training.network)},
            {"objective", objectiveJson(s.training.objective)},
            {"optimiser", optimiserJson(s.training)},
            {"coupling",
             {{"kind", minibatchCouplingName(s.training.coupling)},
              {"epsilon", s.training.couplingEpsilon}}},
            {"seed", s.training.seed},
            {"steps", scene.steps},
            {"reflow_at", scene.reflowAt},
            {"weights", scene.weights},
            {"steps_per_frame", s.stepsPerFrame},
            {"level", s.level},
            {"field", fieldName(s.field)},
            {"sampler", samplerKindName(s.sampler)},
            {"sampler_steps", s.samplerSteps},
            {"particles", s.particles},
            {"reflow_pairs", s.reflowPairs},
            {"show",
             {{"samples", s.showSamples},
              {"data", s.showData},
              {"learned", s.showLearned},
              {"exact", s.showExact},
              {"difference", s.showDifference}}},
            {"playing", scene.playing}};
  return {{"flowscope_scene", 1},
          {"lab", "training"},
          {"training", t},
          {"camera", cameraJson(scene.camera)}};
}

}  // namespace flowscope
