#pragma once
// The Transport lab's critic and GAN modes drawn over their heatmap: the heatmap's grid (critic
// mode: the critic's f left of the middle and the exact potential phi right of it, one colour
// range; GAN mode: the critic's f), its level lines, the cells where |grad f| > 1, the clouds,
// the generated samples with their push arrows, captions and legends.
#include <array>
#include <vector>

#include "OverlayLayer.h"
#include "TransportLab.h"

namespace flowscope {

struct CriticOverlay {
  ScalarGrid grid;                               // as drawn by the heatmap
  std::vector<std::array<glm::dvec2, 2>> lines;  // level lines, world coordinates
  std::vector<std::array<glm::dvec2, 2>> steep;  // cells with |grad f| > 1: world corners
  double seamX = 0.0;                            // critic mode: where f gives way to phi
  bool split = false;
  float shift = 0.0f;
};
inline constexpr int kCriticLevels = 12;

// From the lab's field over a width x height framebuffer at `cell` pixels a node.
CriticOverlay criticOverlay(const TransportLab& lab, const View2D& view, int width, int height,
                            int cell);
// The triangles over a w x h overlay.
void learnedVertices(std::vector<OverlayVertex>& out, const TransportLab& lab, int w, int h,
                     const CriticOverlay* overlay);

}  // namespace flowscope
