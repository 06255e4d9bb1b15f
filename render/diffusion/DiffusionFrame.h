#pragma once
// What one frame draws: the simulation's current state, the lab's parameters and the camera.
#include <glm/glm.hpp>

#include <limits>
#include <string>
#include <vector>

#include "DiffusionParams.h"
#include "DiffusionSimulation.h"
#include "Draw2D.h"
#include "View2D.h"

namespace flowscope {

struct DiffusionFrame {
  const DiffusionSimulation& sim;
  const DiffusionParams& params;
  View2D view;
  uint32_t width = 0, height = 0;
  uint32_t slot = 0;  // frame-in-flight index, < DiffusionRenderer's slot count
  uint32_t xOffset =
      0;  // left edge in the framebuffer (the content's; the split view's right half)
  uint32_t yOffset = 0;  // top edge in the framebuffer (the content's)
  const std::vector<std::vector<glm::dvec2>>* picked = nullptr;  // picked particles' paths
  const std::vector<glm::dvec2>* painted = nullptr;              // points being painted
  std::string title;     // drawn at the top left when not empty (the split view's sampler names)
  float uiScale = 1.0f;  // the overlay's scale (LabFrame::uiScale)
  // The heatmap's top, log p in nats (its colour bar spans heatPeak - 12 .. heatPeak); NaN
  // while no heatmap is drawn.
  double heatPeak = std::numeric_limits<double>::quiet_NaN();
  double heatFloor = std::numeric_limits<double>::quiet_NaN();  // the colour range's bottom

  // World -> NDC scale; y is flipped in the shaders.
  glm::vec2 ndcPerUnit() const {
    float s = float(2.0 / view.height);
    return {s * float(height) / float(width), s};
  }
  glm::vec2 center() const { return glm::vec2(view.center); }
  const NoiseLevel& levelShown() const { return sim.level(sim.current()); }
  double sigmaShown() const { return levelShown().sigma(); }
  // (s, tau) at which fields are evaluated for the shown state; point clouds have no density at
  // tau = 0, so they use kPointCloudBandwidth there.
  glm::dvec2 fieldLevel() const {
    const NoiseLevel& l = levelShown();
    return {l.s, l.tau == 0.0 && !sim.data().mixture ? kPointCloudBandwidth : l.tau};
  }
};

// Colours of the default look (linear RGB, drawn on theme().background).
inline constexpr glm::vec4 kParticleColor{1.0f, 0.58f, 0.22f, 0.9f};
inline constexpr glm::vec4 kTrailColor{0.55f, 0.82f, 1.0f, 0.55f};
inline constexpr glm::vec4 kArrowColor{0.95f, 0.97f, 1.0f, 0.85f};
inline constexpr glm::vec4 kPathColor{1.0f, 0.85f, 0.45f, 0.55f};
inline constexpr glm::vec4 kCouplingColor{0.8f, 0.6f, 1.0f, 0.35f};
inline constexpr glm::vec4 kGhostColor{0.85f, 0.95f, 0.6f, 0.85f};
// The light theme's trails: a deeper blue, where the dark theme's pale one would vanish.
inline constexpr glm::vec4 kTrailColorLight{0.1f, 0.4f, 0.85f, 0.6f};

}  // namespace flowscope
