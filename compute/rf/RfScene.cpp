#include "RfScene.h"

#include <nlohmann/json.hpp>

#include "InputError.h"
#include "JsonReader.h"

namespace flowscope {

using nlohmann::json;

json rfSceneToJson(const RfScene& scene) {
  const RfLabSettings& s = scene.settings;
  return {{"flowscope_scene", 1},
          {"lab", "receptive-field"},
          {"receptive_field",
           {{"architecture", architectureJson(scene.architecture)},
            {"image", s.image},
            {"layer", scene.layer},
            {"unit", {scene.unitRow, scene.unitCol}},
            {"weights", rfWeightsName(scene.weights)},
            {"weights_path", s.weightsPath},
            {"relu", scene.relu},
            {"seeds", scene.seeds},
            {"seed", scene.seed},
            {"erf_on_image", s.erfOnImage},
            {"show_erf", s.showErf},
            {"show_grid", s.showGrid},
            {"show_growth", s.showGrowth},
            {"erf_opacity", s.erfOpacity}}},
          {"camera", cameraJson(scene.camera)}};
}

RfScene rfSceneFromJson(const json& j, const std::string& source) {
  JsonReader r(source);
  if (!j.is_object()) throw InputError(source + ": expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "flowscope_scene" && it.key() != "lab" && it.key() != "receptive_field" &&
        it.key() != "camera")
      r.fail(it.key(), "unknown field");
  if (r.string(j, "lab", "lab") != "receptive-field")
    r.fail("lab", "not a Receptive Field lab scene");
  const std::string f = "receptive_field";
  const json& rf = r.object(
      j, f, f,
      {"architecture", "image", "layer", "unit", "weights", "weights_path", "relu", "seeds", "seed",
       "erf_on_image", "show_erf", "show_grid", "show_growth", "erf_opacity"});
  RfScene scene;
  if (!rf.contains("architecture")) r.fail(f + ".architecture", "missing");
  scene.architecture =
      parseArchitecture(rf["architecture"], source + ": field '" + f + ".architecture'");
  RfLabSettings& s = scene.settings;
  s.image = r.string(rf, "image", f + ".image");
  scene.layer = r.string(rf, "layer", f + ".layer");
  if (!rf.contains("unit") || !rf["unit"].is_array() || rf["unit"].size() != 2 ||
      !rf["unit"][0].is_number_integer() || !rf["unit"][1].is_number_integer())
    r.fail(f + ".unit", "expected [row, col] ([-1, -1]: the centre unit)");
  scene.unitRow = rf["unit"][0].get<int>(), scene.unitCol = rf["unit"][1].get<int>();
  r.apply(f + ".weights", [&] {
    scene.weights = parseRfWeights(r.string(rf, "weights", f + ".weights"), "weights");
  });
  s.weightsPath = r.string(rf, "weights_path", f + ".weights_path");
  scene.relu = r.boolean(rf, "relu", f + ".relu");
  scene.seeds = r.integer(rf, "seeds", f + ".seeds");
  if (!rf.contains("seed") || !rf["seed"].is_number_unsigned())
    r.fail(f + ".seed", "expected a non-negative integer");
  scene.seed = rf["seed"].get<uint64_t>();
  s.erfOnImage = r.boolean(rf, "erf_on_image", f + ".erf_on_image");
  s.showErf = r.boolean(rf, "show_erf", f + ".show_erf");
  s.showGrid = r.boolean(rf, "show_grid", f + ".show_grid");
  s.showGrowth = r.boolean(rf, "show_growth", f + ".show_growth");
  const double opacity = r.number(rf, "erf_opacity", f + ".erf_opacity");
  if (!(opacity >= 0.0 && opacity <= 1.0)) r.fail(f + ".erf_opacity", "must be between 0 and 1");
  s.erfOpacity = float(opacity);
  scene.camera = r.camera(j);
  return scene;
}

}  // namespace flowscope
