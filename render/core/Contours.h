#pragma once
// Level lines of a node grid (ScalarGrid, row 0 at the top) by marching squares: for each cell the
// corners above and below the level decide which edges the line crosses, the crossing points
// linearly interpolated along them; a saddle cell (diagonal corners alike) gets two segments.
#include <glm/glm.hpp>

#include <array>
#include <vector>

#include "ScalarGrid.h"

namespace flowscope {

using GridSegment = std::array<glm::vec2, 2>;  // in grid coordinates: x a column, y a row

// The level's segments over the cells between columns col0 and col1 (nodes col0..col1).
std::vector<GridSegment> levelLines(const ScalarGrid& g, float level, uint32_t col0, uint32_t col1);

}  // namespace flowscope
