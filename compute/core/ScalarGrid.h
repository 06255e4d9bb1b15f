#pragma once
// A node grid of scalar values over a view (row 0 at the top), for heatmaps drawn by the render
// layer's host heatmap (the Transport lab's potentials, the Training lab's field difference).
#include <cstdint>
#include <vector>

namespace flowscope {

struct ScalarGrid {
  uint32_t nx = 0, ny = 0;
  std::vector<float> values;
  float lo = 0.0f, hi = 0.0f;
};

}  // namespace flowscope
