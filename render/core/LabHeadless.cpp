#include "LabHeadless.h"

#include "OffscreenTarget.h"
#include "Pipelines.h"

namespace flowscope {

RenderedImage renderHeadless(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                             const MakeLabRenderer& make,
                             const std::function<void(int, int)>& progress, float uiScale) {
  lab.useGpu(&ctx);
  lab.setViewport(width, height);
  lab.settle(progress ? progress : [](int, int) {});
  OffscreenTarget target(ctx, width, height);
  std::unique_ptr<LabRenderer> renderer = make(target.renderPass());
  renderer->resize(width, height);
  // Headless waits for its one frame: nothing is retired while it is in flight.
  const LabFrame frame{width, height, 0, nullptr, uiScale};
  RenderedImage image{width, height, {}};
  image.rgba = target.render([&](VkCommandBuffer cmd) { renderer->prepare(cmd, frame); },
                             [&](VkCommandBuffer cmd) {
                               setViewportAndScissor(cmd, 0, width, height);
                               renderer->draw(cmd, frame);
                             },
                             [&] { return renderer->clearColor(); });
  return image;
}

}  // namespace flowscope
