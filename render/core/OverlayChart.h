#pragma once
// Line charts drawn with the overlay's triangles (for labs whose frame is charts): a framed box
// with a title, optional log axes, series as polylines (a legend line each), vertical markers,
// and the axes' ranges printed under the box.
#include <glm/glm.hpp>

#include <string>
#include <vector>

#include "Draw2D.h"

namespace flowscope {

struct ChartLine {
  std::string label;
  std::vector<double> x, y;
  glm::vec4 color;
};
struct ChartBox {
  glm::vec2 lo, hi;  // the box in overlay pixels (top left, bottom right)
  std::string title, xLabel;
  bool logX = false, logY = false;
};

// Draws the chart; non-finite and (on a log axis) non-positive values are left out.
void lineChart(std::vector<OverlayVertex>& out, const ChartBox& box,
               const std::vector<ChartLine>& lines);

}  // namespace flowscope
