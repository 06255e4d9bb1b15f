#include "Contours.h"

#include <algorithm>

namespace flowscope {

std::vector<GridSegment> levelLines(const ScalarGrid& g, float level, uint32_t col0,
                                    uint32_t col1) {
  std::vector<GridSegment> out;
  if (g.nx < 2 || g.ny < 2) return out;
  col1 = std::min(col1, g.nx - 1);
  const auto at = [&](uint32_t c, uint32_t r) { return g.values[size_t(r) * g.nx + c]; };
  for (uint32_t r = 0; r + 1 < g.ny; ++r)
    for (uint32_t c = col0; c < col1; ++c) {
      // Corners counter-clockwise from the top left, and the edge between corner k and k + 1.
      const glm::vec2 p[4] = {{c, r}, {c + 1, r}, {c + 1, r + 1}, {c, r + 1}};
      const float v[4] = {at(c, r), at(c + 1, r), at(c + 1, r + 1), at(c, r + 1)};
      glm::vec2 cross[4];
      int n = 0;
      for (int k = 0; k < 4; ++k) {
        const float a = v[k], b = v[(k + 1) % 4];
        if ((a < level) != (b < level)) {
          const float t = (level - a) / (b - a);
          cross[n++] = p[k] + t * (p[(k + 1) % 4] - p[k]);
        }
      }
      if (n == 2) out.push_back({cross[0], cross[1]});
      if (n == 4) {  // a saddle: pair the crossings around the corners that stand apart
        const bool centreAbove = (v[0] + v[1] + v[2] + v[3]) / 4.0f >= level;
        const bool firstAbove = v[0] >= level;
        if (centreAbove == firstAbove) {
          out.push_back({cross[0], cross[1]});
          out.push_back({cross[2], cross[3]});
        } else {
          out.push_back({cross[3], cross[0]});
          out.push_back({cross[1], cross[2]});
        }
      }
    }
  return out;
}

}  // namespace flowscope
