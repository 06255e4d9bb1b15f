#pragma once
// Where a panel drew each named control, in framebuffer pixels (GUI tests click there).
#include <map>
#include <string>

namespace flowscope {

struct ControlRect {
  float x0, y0, x1, y1;
};

using ControlRects = std::map<std::string, ControlRect>;

}  // namespace flowscope
