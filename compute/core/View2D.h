#pragma once
// View2D: the 2-D camera. World y points up; pixels have their origin at the top-left, y down.
// `height` is the world extent shown vertically; the horizontal extent follows the aspect ratio.
#include <glm/glm.hpp>

#include <algorithm>

namespace flowscope {

struct View2D {
  glm::dvec2 center{0.0, 0.0};
  double height = 8.0;

  double pixelsPerUnit(int heightPx) const { return heightPx / height; }
  glm::dvec2 worldToPixel(glm::dvec2 w, int widthPx, int heightPx) const {
    double s = pixelsPerUnit(heightPx);
    return {(w.x - center.x) * s + 0.5 * widthPx, 0.5 * heightPx - (w.y - center.y) * s};
  }
  glm::dvec2 pixelToWorld(glm::dvec2 p, int widthPx, int heightPx) const {
    double s = pixelsPerUnit(heightPx);
    return {(p.x - 0.5 * widthPx) / s + center.x, (0.5 * heightPx - p.y) / s + center.y};
  }
  // Moves the camera so the world point under the cursor stays under the cursor.
  void zoomAbout(glm::dvec2 pixel, double factor, int widthPx, int heightPx) {
    glm::dvec2 anchor = pixelToWorld(pixel, widthPx, heightPx);
    height /= factor;
    glm::dvec2 moved = pixelToWorld(pixel, widthPx, heightPx);
    center += anchor - moved;
  }
  void panPixels(glm::dvec2 delta, int heightPx) {
    double s = pixelsPerUnit(heightPx);
    center += glm::dvec2(-delta.x / s, delta.y / s);
  }
  // The view that shows the box [lo, hi] whole and centred in a widthPx x heightPx area, with
  // `margin` (a fraction of the box's extent) on every side.
  static View2D fitting(glm::dvec2 lo, glm::dvec2 hi, int widthPx, int heightPx,
                        double margin = 0.1) {
    const glm::dvec2 extent = glm::max(hi - lo, glm::dvec2(1e-3)) * (1.0 + 2.0 * margin);
    const double aspect = heightPx > 0 && widthPx > 0 ? double(widthPx) / heightPx : 1.6;
    return {0.5 * (lo + hi), std::max(extent.y, extent.x / aspect)};
  }
};

// A regular grid of sample points: node (i, j) at origin + spacing * (i, j), row-major.
struct GridSpec {
  glm::dvec2 origin{0.0};
  glm::dvec2 spacing{1.0};
  uint32_t nx = 1, ny = 1;

  glm::dvec2 node(uint32_t i, uint32_t j) const {
    return origin + spacing * glm::dvec2(double(i), double(j));
  }
  // nx x ny cell centres covering the view, row 0 at the top (so spacing.y < 0): the layout the
  // heatmap fragment shader samples.
  static GridSpec covering(const View2D& view, int widthPx, int heightPx, uint32_t nx,
                           uint32_t ny) {
    double worldW = view.height * widthPx / heightPx;
    GridSpec g;
    g.nx = nx;
    g.ny = ny;
    g.spacing = {worldW / nx, -view.height / ny};
    g.origin = {view.center.x - 0.5 * worldW + 0.5 * g.spacing.x,
                view.center.y + 0.5 * view.height + 0.5 * g.spacing.y};
    return g;
  }
};

}  // namespace flowscope
