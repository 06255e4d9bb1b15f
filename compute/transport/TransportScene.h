#pragma once
// Scene files of the Transport lab: its settings, both measures as shown (dragged and
// added points included, so a scene reproduces what was on screen even when a CSV it came from has
// changed or gone) and the camera. Loading then saving gives the same bytes. Format (version 1, the
// same header as the Diffusion & Flow lab's scenes, DiffusionScene.h):
//   {"flowscope_scene": 1, "lab": "transport",
//    "transport": {"method": "sinkhorn|exact", "cost": "sqeuclidean|euclidean", "epsilon": 0.01,
//                  "annealing": true, "tolerance": 1e-4, "max_iterations": 5000, "seed": 1,
//                  "mode": "plan|coupling", "show_plan": true, "show_matrix": true,
//                  "show_interpolation": false, "animate": false,
//                  "potential": "none|source|target", "t": 0.5, "step_through": false,
//                  "coupling": "independent|exact|sinkhorn", "coupling_epsilon": 0.05,
//                  "coupling_count": 256,
//                  "source": {"name": "gaussian", "weights_path": "", "count": 250, "scale": 0.6,
//                             "offset": [-2, 0], "points": [[x, y], ...], "weights": [w, ...]},
//                  "target": {...}},
//    "camera": {"center": [x, y], "height": h}}
// "weights" are as the lab keeps them (unnormalised; normalised on use); the other fields of a
// side say where its points came from (the panel shows them; choosing again reloads from them).
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "TransportLab.h"

namespace flowscope {

struct TransportScene {
  TransportSettings settings;
  std::vector<glm::dvec2> sourcePoints, targetPoints;
  std::vector<double> sourceWeights, targetWeights;
  View2D camera;
};

// Throws InputError "<source>: field '<name>': <why>".
TransportScene transportSceneFromJson(const nlohmann::json& j, const std::string& source);
nlohmann::json transportSceneToJson(const TransportScene& scene);
std::string transportSceneToString(const TransportScene& scene);
// Atomic, as saveDiffusionScene.
void saveTransportScene(const TransportScene& scene, const std::string& path);

}  // namespace flowscope
