#pragma once
// The Diffusion & Flow lab's overlay: axes, grid, tick labels, a caption (step, t, s, sigma,
// sampler, NFE, particle count), a legend, the time/sigma strip, streamlines, picked particles'
// paths and painted points, built on the host in pixel coordinates each frame and drawn by
// OverlayLayer. Text uses OverlayFont (Draw2D), so the headless render carries the same labels.
#include <glm/glm.hpp>

#include <string>
#include <vector>

#include "DiffusionFrame.h"
#include "OverlayLayer.h"

namespace flowscope {

std::vector<OverlayVertex> buildOverlay(
    const DiffusionFrame& f, const std::vector<std::vector<glm::dvec2>>* streamlines = nullptr);
std::string captionOf(const DiffusionFrame& f);
// The legend's lines for the drawn layers besides arrows, trails and the heatmap (particles,
// paths, coupling lines, x0-predictions, streamlines, picked paths, painted points).
std::vector<std::string> layerLegend(const DiffusionFrame& f, bool streamlines);
// The heatmap's colour bar: log p_data or log p_t in nats, floor .. peak (HeatmapLayer).
inline constexpr float kHeatBarWidth = 240.0f;
ColorBar heatBar(HeatmapKind kind, double floor, double peak);
// The legend line of the arrows: which field they show and which way it points (`flow`: the
// flow schedule, x = (1 - t) x0 + t eps, data at t = 0 and noise at t = 1).
std::string fieldLegend(FieldKind kind, bool flow);
// The sigma strip's axes: the finite non-zero sigma range of the schedule's levels (log scale
// between them) and its last step.
struct TimeStripAxis {
  double sigmaMin, sigmaMax;
  int steps;
};
TimeStripAxis timeStripAxis(const std::vector<NoiseLevel>& levels);
std::string formatSigma(double sigma);  // "80", "0.002"

class DiffusionOverlay {
 public:
  DiffusionOverlay(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots)
      : layer_(ctx, pass, frameSlots) {}
  // `heatPeak`: the heatmap's drawn top (HeatmapLayer::peak), for its colour bar.
  void draw(VkCommandBuffer cmd, const DiffusionFrame& f, double heatFloor, double heatPeak);

 private:
  OverlayLayer layer_;
  // Streamlines are traced on the CPU only when what they depend on changes.
  struct StreamKey {
    uint64_t sim = 0;
    glm::dvec2 level{-1.0};
    FieldKind field = FieldKind::Score;
    glm::dvec2 center{0.0};
    double viewHeight = 0.0;
    uint32_t widthPx = 0, heightPx = 0;
    bool operator==(const StreamKey&) const = default;
  };
  const std::vector<std::vector<glm::dvec2>>* streamlines(const DiffusionFrame& f);
  StreamKey streamKey_;
  std::vector<std::vector<glm::dvec2>> streamlines_;
};

}  // namespace flowscope
