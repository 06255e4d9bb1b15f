#include "HeadlessRender.h"

#include <stb/stb_image_write.h>

#include <memory>
#include <optional>

#include "DiffusionSimulation.h"
#include "OffscreenTarget.h"
#include "OutputFiles.h"
#include "SceneRenderer.h"

namespace flowscope {

RenderedImage renderScene(const GpuContext& ctx, const Scene& scene, uint32_t width,
                          uint32_t height, const std::function<void(int, int)>& progress) {
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
  SceneRenderer renderer(ctx, target.renderPass(), 1);
  std::optional<SceneRenderer> compareRenderer;  // only for the split view: pipelines cost time
  renderer.resize(left, height);
  RenderFrame frame{sim, p, scene.camera, left, height, 0};
  std::optional<RenderFrame> right;
  if (compare) {
    compareRenderer.emplace(ctx, target.renderPass(), 1);
    compareRenderer->resize(width - left, height);
    right.emplace(RenderFrame{*compare, p, scene.camera, width - left, height, 0});
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
        SceneRenderer::beginCompute(cmd);
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

std::string encodePng(const RenderedImage& image) {
  std::string bytes;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
  };
  if (!stbi_write_png_to_func(append, &bytes, int(image.width), int(image.height), 4,
                              image.rgba.data(), int(image.width) * 4))
    throw std::runtime_error("PNG encoder failed");
  return bytes;
}

void writePng(const std::string& path, const RenderedImage& image) {
  writeFileAtomically(path, encodePng(image));
}

}  // namespace flowscope
