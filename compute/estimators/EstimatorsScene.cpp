// The Estimators lab's scene files: every setting and the descent's step count (the descent is
// deterministic: opening the scene replays it), canonical when dumped with an indent of 2.
#include <nlohmann/json.hpp>

#include "EstimatorsLab.h"
#include "InputError.h"
#include "JsonReader.h"

namespace flowscope {
namespace {

using nlohmann::json;

std::vector<double> numbers(const JsonReader& r, const json& j, const std::string& key,
                            const std::string& path) {
  if (!j.contains(key) || !j[key].is_array()) r.fail(path, "expected [number, ...]");
  std::vector<double> out;
  for (size_t i = 0; i < j[key].size(); ++i)
    out.push_back(r.number(j[key][i], path + "[" + std::to_string(i) + "]"));
  return out;
}

}  // namespace

EstimatorsScene estimatorsSceneFromJson(const json& j, const std::string& source) {
  JsonReader r(source);
  if (!j.is_object()) throw InputError(source + ": expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "flowscope_scene" && it.key() != "lab" && it.key() != "estimators" &&
        it.key() != "camera")
      r.fail(it.key(), "unknown field");
  if (r.integer(j, "flowscope_scene", "flowscope_scene") != 1)
    r.fail("flowscope_scene", "unsupported version (this build reads 1)");
  if (r.string(j, "lab", "lab") != describeEstimatorsLab().sceneTag)
    r.fail("lab", "expected " + describeEstimatorsLab().sceneTag);
  const json& e =
      r.object(j, "estimators", "estimators",
               {"dist", "gaussian_theta", "f", "gaussian2d_theta", "f2", "logits", "table",
                "component", "samples", "repeats", "tau", "seed", "lr", "steps", "descent_steps"});
  EstimatorsScene scene;
  EstimatorsSettings& s = scene.settings;
  r.apply("estimators.dist",
          [&] { s.dist = parseEstimatorDist(r.string(e, "dist", "estimators.dist")); });
  s.gaussianTheta = numbers(r, e, "gaussian_theta", "estimators.gaussian_theta");
  s.f = r.string(e, "f", "estimators.f");
  s.planeTheta = numbers(r, e, "gaussian2d_theta", "estimators.gaussian2d_theta");
  s.f2 = r.string(e, "f2", "estimators.f2");
  s.logits = numbers(r, e, "logits", "estimators.logits");
  s.table = numbers(r, e, "table", "estimators.table");
  s.component = r.integer(e, "component", "estimators.component");
  s.samples = r.integer(e, "samples", "estimators.samples");
  s.repeats = r.integer(e, "repeats", "estimators.repeats");
  s.tau = r.number(e, "tau", "estimators.tau");
  if (!e.contains("seed") || !e["seed"].is_number_unsigned())
    r.fail("estimators.seed", "expected a non-negative integer");
  s.seed = e["seed"].get<uint64_t>();
  s.learningRate = r.number(e, "lr", "estimators.lr");
  s.steps = r.integer(e, "steps", "estimators.steps");
  scene.descentSteps = r.integer(e, "descent_steps", "estimators.descent_steps");
  if (scene.descentSteps < 0) r.fail("estimators.descent_steps", "must be non-negative");
  // "theta: ..." names the distribution's own field.
  const std::string theta = s.dist == EstimatorDist::Gaussian     ? "gaussian_theta"
                            : s.dist == EstimatorDist::Gaussian2d ? "gaussian2d_theta"
                                                                  : "logits";
  try {
    validate(s);
  } catch (const InputError& err) {
    std::string why = err.what(), key = why.substr(0, why.find(':'));
    if (key == "theta") key = theta;
    if (key == "f" && s.dist == EstimatorDist::Categorical) key = "table";
    if (key == "f" && s.dist == EstimatorDist::Gaussian2d) key = "f2";
    if (key == "learning rate") key = "lr";
    r.fail("estimators." + key, why.substr(why.find(": ") + 2));
  }
  return scene;
}

json estimatorsSceneToJson(const EstimatorsScene& scene, const View2D& camera) {
  const EstimatorsSettings& s = scene.settings;
  return {{"flowscope_scene", 1},
          {"lab", describeEstimatorsLab().sceneTag},
          {"estimators",
           {{"dist", estimatorDistName(s.dist)},
            {"gaussian_theta", s.gaussianTheta},
            {"f", s.f},
            {"gaussian2d_theta", s.planeTheta},
            {"f2", s.f2},
            {"logits", s.logits},
            {"table", s.table},
            {"component", s.component},
            {"samples", s.samples},
            {"repeats", s.repeats},
            {"tau", s.tau},
            {"seed", s.seed},
            {"lr", s.learningRate},
            {"steps", s.steps},
            {"descent_steps", scene.descentSteps}}},
          {"camera", cameraJson(camera)}};
}

}  // namespace flowscope
