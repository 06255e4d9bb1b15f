#include "LabHeadless.h"

#include "OffscreenTarget.h"
#include "Pipelines.h"

namespace flowscope {
namespace {

void renderFrames(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                  const MakeLabRenderer& make, int count, const std::function<void(int)>& prepare,
                  const std::function<void(int, int)>& progress,
                  const std::function<void(int, const RenderedImage&)>& take, float uiScale) {
  lab.useGpu(&ctx);
  lab.setViewport(width, height);
  OffscreenTarget target(ctx, width, height);
  std::unique_ptr<LabRenderer> renderer = make(target.renderPass());
  renderer->resize(width, height);
  // Headless waits for each frame: nothing is retired while it is in flight.
  const LabFrame frame{width, height, 0, nullptr, uiScale};
  for (int k = 0; k < count; ++k) {
    if (prepare) prepare(k);
    lab.settle(progress ? progress : [](int, int) {});
    RenderedImage image{width, height, {}};
    image.rgba = target.render([&](VkCommandBuffer cmd) { renderer->prepare(cmd, frame); },
                               [&](VkCommandBuffer cmd) {
                                 setViewportAndScissor(cmd, 0, width, height);
                                 renderer->draw(cmd, frame);
                               },
                               [&] { return renderer->clearColor(); });
    take(k, image);
  }
}

}  // namespace

RenderedImage renderHeadless(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                             const MakeLabRenderer& make,
                             const std::function<void(int, int)>& progress, float uiScale) {
  RenderedImage out;
  renderFrames(
      ctx, lab, width, height, make, 1, {}, progress,
      [&](int, const RenderedImage& image) { out = image; }, uiScale);
  return out;
}

void renderHeadlessFrames(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                          const MakeLabRenderer& make, int count,
                          const std::function<void(int)>& prepare,
                          const std::function<void(int, const RenderedImage&)>& take,
                          float uiScale) {
  renderFrames(ctx, lab, width, height, make, count, prepare, {}, take, uiScale);
}

}  // namespace flowscope
