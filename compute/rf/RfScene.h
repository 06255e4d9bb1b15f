#pragma once
// Scene files of the Receptive Field lab: the architecture as edited (inline, so a scene needs no
// other file for it), the input image, the selected layer and pinned unit, the ERF's weights,
// ReLU and seeds, the display settings and the camera. Loading then saving gives the same bytes.
// Format (version 1, the header every lab's scenes share, Lab.h):
//   {"flowscope_scene": 1, "lab": "receptive-field",
//    "receptive_field": {"architecture": {"name", "input": [H, W], "layers": [...]} (as
//                        `flowscope-cli rf --save-arch` writes it),
//                        "image": "assets:images/shapes.png", "layer": "conv3_3",
//                        "unit": [row, col] ([-1, -1]: the layer's centre unit),
//                        "weights": "uniform|random|loaded", "weights_path": "",
//                        "relu": false, "seeds": 1, "seed": 1, "erf_on_image": false,
//                        "show_erf": true, "show_grid": true, "show_growth": false,
//                        "erf_opacity": 0.85},
//    "camera": {"center": [x, y], "height": h}}
// Loaded weights are read again from "weights_path" on loading.
#include <nlohmann/json_fwd.hpp>

#include <string>

#include "RfLab.h"

namespace flowscope {

struct RfScene {
  Architecture architecture;
  RfLabSettings settings;
  std::string layer;
  int unitRow = -1, unitCol = -1;
  RfWeights weights = RfWeights::Uniform;
  bool relu = false;
  int seeds = 1;
  uint64_t seed = 1;
  View2D camera;
};

// Throws InputError "<source>: field '<name>': <why>".
RfScene rfSceneFromJson(const nlohmann::json& j, const std::string& source);
nlohmann::json rfSceneToJson(const RfScene& scene);

}  // namespace flowscope
