#pragma once
// Scene files of the Training lab: the whole setup, and how far training went, so a scene opens
// on the same network: training replays deterministically from the seed to "steps", with a
// reflow round at each step of "reflow_at"; or, with "weights" (a .safetensors file, a path as
// data files take it), it starts from those weights instead. Loading then saving gives the same
// bytes.
//   {"flowscope_scene": 1, "lab": "training",
//    "training": {"data": {...as the Diffusion lab's...}, "points": 4096,
//                 "network": {inputs, outputs, width, depth, activation, residual, seed,
//                             embedding: {kind, width, scale, seed}},
//                 "objective": {kind, sigma_data, p_mean, p_std, schedule, train_steps,
//                               t_sampling, t_mean, t_std},
//                 "optimiser": {"lr", "warmup", "total_steps", "weight_decay", "clip_norm",
//                               "ema", "batch"},
//                 "coupling": {"kind": "independent|exact|sinkhorn", "epsilon"}, "seed": 1,
//                 "steps": 0, "reflow_at": [], "weights": "",
//                 "steps_per_frame": 25, "level": 0.3, "field": "velocity",
//                 "sampler": "flow-heun", "sampler_steps": 20, "particles": 1000,
//                 "reflow_pairs": 4000, "show": {"samples", "data", "learned", "exact",
//                 "difference"}, "playing": false},
//    "camera": {"center": [x, y], "height": h}}
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "TrainingSettings.h"
#include "View2D.h"

namespace flowscope {

struct TrainingScene {
  TrainingSettings settings;
  long steps = 0;
  std::vector<long> reflowAt;
  std::string weights;  // a file to start from, or empty
  bool playing = false;
  View2D camera;
};

// Throws InputError "<source>: field 'training.<name>': <why>".
TrainingScene trainingSceneFromJson(const nlohmann::json& j, const std::string& source);
nlohmann::json trainingSceneToJson(const TrainingScene& scene);

}  // namespace flowscope
