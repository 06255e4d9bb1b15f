#pragma once
// Scene files of the Attention lab: its settings, the tokens as shown (painted and dragged ones
// included, so a scene reproduces the screen even when a CSV it came from has changed), the
// selected query and the camera. Loading then saving gives the same bytes. Format (version 1, the
// header every lab's scenes share, Lab.h):
//   {"flowscope_scene": 1, "lab": "attention",
//    "attention": {"tokens": {"source": "moons|painted|FILE.csv", "count": 24, "seed": 1,
//                             "rows": [[x, y, ...], ...]},
//                  "projections": {"q": {"kind": "identity|random|csv", "seed": 1, "path": ""},
//                                  "k": {...}, "v": {...}},
//                  "kind": "softmax|linear-elu|linear-relu|performer",
//                  "scale": "sqrt|none|NUMBER", "causal": false, "heads": 1, "rope": false,
//                  "rope_base": 10000, "features": 256, "feature_seed": 1, "selected": 0,
//                  "show_lines": true, "show_field": true, "show_compare": false,
//                  "compare_with": "linear-elu", "diffusion_link": false, "sigma": 0.5,
//                  "noisy": [0.4, 0.9]},
//    "camera": {"center": [x, y], "height": h}}
// Projections from CSV files are read again from their paths on loading.
#include <nlohmann/json_fwd.hpp>

#include <string>

#include "AttentionLab.h"

namespace flowscope {

struct AttentionScene {
  AttentionSettings settings;
  Matrix tokens;  // as shown: the rows the lab holds
  int selected = 0;
  View2D camera;
};

// Throws InputError "<source>: field '<name>': <why>".
AttentionScene attentionSceneFromJson(const nlohmann::json& j, const std::string& source);
nlohmann::json attentionSceneToJson(const AttentionScene& scene);

}  // namespace flowscope
