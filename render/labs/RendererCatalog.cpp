#include "RendererCatalog.h"

#include <stdexcept>

#include "LabCatalog.h"
#include "LabHeadless.h"
#include "LabList.h"

namespace flowscope {

#define FLOWSCOPE_DECLARE_RENDERER(Name)                                             \
  std::unique_ptr<LabRenderer> make##Name##Renderer(Lab& lab, const GpuContext& ctx, \
                                                    VkRenderPass pass, uint32_t frameSlots);
FLOWSCOPE_LABS(FLOWSCOPE_DECLARE_RENDERER)
#undef FLOWSCOPE_DECLARE_RENDERER

std::unique_ptr<LabRenderer> makeRenderer(Lab& lab, const GpuContext& ctx, VkRenderPass pass,
                                          uint32_t frameSlots) {
#define FLOWSCOPE_RENDERER_FOR(Name)             \
  if (lab.info().id == describe##Name##Lab().id) \
    return make##Name##Renderer(lab, ctx, pass, frameSlots);
  FLOWSCOPE_LABS(FLOWSCOPE_RENDERER_FOR)
#undef FLOWSCOPE_RENDERER_FOR
  throw std::logic_error("no renderer for the lab '" + lab.info().id + "' (LabList.h)");
}

RenderedImage renderLab(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                        const std::function<void(int, int)>& progress, float uiScale) {
  return renderHeadless(
      ctx, lab, width, height, [&](VkRenderPass pass) { return makeRenderer(lab, ctx, pass, 1); },
      progress, uiScale);
}

}  // namespace flowscope
