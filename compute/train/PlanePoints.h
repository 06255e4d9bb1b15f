#pragma once
// Points of the plane as the engine's networks read a batch: row-major n x 2, in precision T.
// One flattening for every 2-D user (flows, the critic, the GAN's generator).
#include <glm/glm.hpp>

#include <span>
#include <vector>

namespace flowscope {

template <class T>
std::vector<T> flatPoints(std::span<const glm::dvec2> points) {
  std::vector<T> out;
  out.reserve(2 * points.size());
  for (const glm::dvec2& p : points) {
    out.push_back(T(p.x));
    out.push_back(T(p.y));
  }
  return out;
}

}  // namespace flowscope
