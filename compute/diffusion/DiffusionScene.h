#pragma once
// DiffusionScene: everything needed to reproduce what the user sees: the lab, every parameter, the
// data, the camera, the seed and the current step. Saved as JSON; loading then saving gives the
// same bytes. The format (version 1):
//   {"flowscope_scene": 1, "lab": "gmm-diffusion", "seed": 1, "step": 0, "playing": true,
//    "sampling": {"sampler": "heun", "schedule": "karras", "steps": 18, "sigma_min": 0.002,
//                 "sigma_max": 80, "rho": 7, "particles": 8192,
//                 optional: "spacing": "trailing", "eta": 0, "s_churn": 0, "s_tmin": 0,
//                 "s_tmax": 1e30, "s_noise": 1, "langevin_eps": 2e-5, "langevin_steps": 20,
//                 "coupling": {"kind": "none|independent|exact|sinkhorn", "pairs": 1024,
//                              "epsilon": 0.05, "bandwidth": 0.1}},
//    "display": {"field": "score", "heatmap": "data", "trail_length": 12, "steps_per_second": 4,
//                "show_particles": true, "show_trails": true, "show_field": true,
//                "show_heatmap": true, "loop": true},
//    "camera": {"center": [0, 0], "height": 8},
//    "data": {"type": "gmm", "weights": [...], "means": [...], "covariances": [...]}}
// "data" is any DataSource (Dataset.h): an inline mixture, a preset, a file or points.
// Optional "model": {"kind": "learned", "path": "m.safetensors"} (a path as data files take it):
// the samplers and fields use that trained network (train/LearnedModel.h) instead of the exact
// model; "data" still gives the heatmap's density and the metrics' reference. Absent: exact.
#include <nlohmann/json_fwd.hpp>

#include <string>

#include <memory>

#include "Dataset.h"
#include "DiffusionParams.h"
#include "View2D.h"

namespace flowscope {

struct DiffusionScene {
  DiffusionParams params;
  DataSource data = DataSource::ofMixture(GaussianMixture::ring());
  std::string learned;  // a learned model's weights file, or empty for the exact model
  std::shared_ptr<const Dataset> dataset = resolve(data);  // what `data` (and `learned`) load
  View2D camera;
  int step = 0;         // the state shown (0 = noise, N = samples)
  bool playing = true;  // whether the GUI plays on from `step` when it opens the scene
};

DiffusionScene defaultDiffusionScene();
// The data with the learned model in `learned` attached (none when empty); InputError naming
// the file.
std::shared_ptr<const Dataset> resolveModel(const DataSource& data, const std::string& learned);
// Throws InputError "<source>: field '<name>': <why>"; nothing is changed on failure.
DiffusionScene diffusionSceneFromJson(const nlohmann::json& j, const std::string& source);
DiffusionScene loadDiffusionScene(const std::string& path);
nlohmann::json diffusionSceneToJson(const DiffusionScene& scene);
std::string diffusionSceneToString(const DiffusionScene& scene);
// Writes atomically (temporary file, then rename): a failed save leaves no partial file.
void saveDiffusionScene(const DiffusionScene& scene, const std::string& path);

}  // namespace flowscope
