#include "DiffusionHeadless.h"

#include <memory>
#include <optional>

#include "DiffusionRenderer.h"
#include "DiffusionSimulation.h"
#include "OffscreenTarget.h"

namespace flowscope {

RenderedImage renderDiffusionScene(const GpuContext& ctx, const DiffusionScene& scene,
                                   uint32_t width, uint32_t height,
                                   const std::function<void(int, int)>& progress) {
  const DiffusionParams& p = scene.params;
  SamplingConfig config{p.sampler(), p.schedule(), p.particleCount(), p.seed()};
  DiffusionSimulation sim(scene.dataset, config, &ctx);
  // The split view draws a second run in the right half, as the GUI does.
  std::unique_ptr<DiffusionSimulation> compare;
  if (p.splitView())
    compare = std::make_unique<DiffusionSimulation>(
        scene.dataset, compareConfig(config, p.compareSampler()), &ctx);
  // The runs reach the scene's step before the frame is recorded, a few states a submission.
  for (DiffusionSimulation* run : {&sim, compare.get()})
    if (run) {
      seekReporting(
          *run, scene.step, progress ? progress : [](int, int) {});
      requireFinitePositions(*run, scene.step);
    }
  const uint32_t left = compare ? width / 2 : width;
  OffscreenTarget target(ctx, width, height);
  DiffusionRenderer renderer(ctx, target.renderPass(), 1);
  std::optional<DiffusionRenderer> compareRenderer;  // only for the split view: pipelines cost time
  renderer.resize(left, height);
  DiffusionFrame frame{sim, p, scene.camera, left, height, 0};
  std::optional<DiffusionFrame> right;
  if (compare) {
    compareRenderer.emplace(ctx, target.renderPass(), 1);
    compareRenderer->resize(width - left, height);
    right.emplace(DiffusionFrame{*compare, p, scene.camera, width - left, height, 0});
    right->xOffset = left;
    frame.title =
        samplerKindName(config.sampler.kind) + " on " + scheduleName(config.schedule.kind);
    right->title = samplerKindName(compare->config().sampler.kind) + " on " +
                   scheduleName(compare->config().schedule.kind);
  }
  const glm::vec4 c = renderer.clearColor(frame);
  const float clear[4] = {c.r, c.g, c.b, c.a};
  RenderedImage image{width, height, {}};
  image.rgba = target.render(
      [&](VkCommandBuffer cmd) {
        DiffusionRenderer::beginCompute(cmd);
        sim.seek(scene.step, cmd);
        if (compare) compare->seek(scene.step, cmd);
        renderer.recordCompute(cmd, frame);
        if (right) compareRenderer->recordCompute(cmd, *right);
      },
      [&](VkCommandBuffer cmd) {
        renderer.recordDraw(cmd, frame);
        if (right) compareRenderer->recordDraw(cmd, *right);
      },
      clear);
  return image;
}

}  // namespace flowscope
