#include "DiffusionHeadless.h"

#include "DiffusionLab.h"
#include "DiffusionLabRenderer.h"
#include "LabHeadless.h"

namespace flowscope {

RenderedImage renderDiffusionScene(const GpuContext& ctx, const DiffusionScene& scene,
                                   uint32_t width, uint32_t height,
                                   const std::function<void(int, int)>& progress) {
  DiffusionLab lab(scene);
  return renderHeadless(
      ctx, lab, width, height,
      [&](VkRenderPass pass) { return std::make_unique<DiffusionLabRenderer>(ctx, pass, 1, lab); },
      progress);
}

}  // namespace flowscope
