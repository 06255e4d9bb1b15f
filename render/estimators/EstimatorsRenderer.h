#pragma once
// The Estimators lab's frame: six panels of charts drawn with the overlay's triangles —
// histograms of each estimator's estimates with the exact gradient marked; variance and |bias|
// against the samples an estimate averages; Gumbel-softmax's bias and variance against tau (or,
// for a Gaussian, p_theta and f); the relaxed samples on the simplex for K = 3 (or Gumbel-max's
// frequencies against softmax, or the descent's paths in (mu, sigma)); the descent's exact loss.
#include <vector>

#include "EstimatorsLab.h"
#include "LabRenderer.h"
#include "OverlayLayer.h"

namespace flowscope {

class EstimatorsRenderer {
 public:
  EstimatorsRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t frameSlots);
  void draw(VkCommandBuffer cmd, const EstimatorsLab& lab, const LabFrame& f);
  static std::vector<OverlayVertex> buildVertices(const EstimatorsLab& lab, uint32_t width,
                                                  uint32_t height);

 private:
  OverlayLayer overlay_;
};

}  // namespace flowscope
