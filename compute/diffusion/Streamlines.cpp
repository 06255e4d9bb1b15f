#include "Streamlines.h"

#include <algorithm>

#include "Parallel.h"

namespace flowscope {

std::vector<std::vector<glm::dvec2>> traceStreamlines(const ExactModel& model, double s, double tau,
                                                      FieldKind kind, bool flow, glm::dvec2 lo,
                                                      glm::dvec2 hi, const StreamlineSpec& spec) {
  auto direction = [&](glm::dvec2 x) {
    glm::dvec2 v = fieldAt(model, x, s, tau, kind, flow);
    double n = glm::length(v);
    return n > 1e-12 ? v / n : glm::dvec2(0.0);
  };
  auto inside = [&](glm::dvec2 x) {
    return x.x >= lo.x && x.y >= lo.y && x.x <= hi.x && x.y <= hi.y;
  };
  auto trace = [&](glm::dvec2 seed, double sign) {
    std::vector<glm::dvec2> line = {seed};
    glm::dvec2 x = seed;
    for (int k = 0; k < spec.maxSteps; ++k) {
      glm::dvec2 d1 = direction(x);
      if (d1 == glm::dvec2(0.0)) break;
      glm::dvec2 d2 = direction(x + 0.5 * sign * spec.step * d1);
      if (d2 == glm::dvec2(0.0) || glm::dot(d1, d2) < 0.0) break;  // a sink or a fold: stop there
      x += sign * spec.step * d2;
      if (!inside(x)) break;
      line.push_back(x);
    }
    return line;
  };
  const size_t count = size_t(spec.seedsX) * spec.seedsY;
  std::vector<std::vector<glm::dvec2>> lines(count);
  parallelFor(
      count,
      [&](size_t i) {
        const glm::dvec2 seed(lo.x + (hi.x - lo.x) * (double(i % spec.seedsX) + 0.5) / spec.seedsX,
                              lo.y + (hi.y - lo.y) * (double(i / spec.seedsX) + 0.5) / spec.seedsY);
        auto back = trace(seed, -1.0), fwd = trace(seed, 1.0);
        std::reverse(back.begin(), back.end());
        back.insert(back.end(), fwd.begin() + 1, fwd.end());
        lines[i] = std::move(back);
      },
      1);
  return lines;
}

}  // namespace flowscope
