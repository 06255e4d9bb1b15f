#include "HeadlessRender.h"

#include <stb/stb_image_write.h>

#include "AtomicFile.h"
#include "DiffusionSimulation.h"
#include "OffscreenTarget.h"
#include "SceneRenderer.h"

namespace flowscope {

RenderedImage renderScene(const GpuContext& ctx, const Scene& scene, uint32_t width,
                          uint32_t height) {
  const DiffusionParams& p = scene.params;
  SamplingConfig config{p.sampler(), p.schedule(), p.particleCount(), p.seed()};
  DiffusionSimulation sim(scene.dataset, config, &ctx);
  OffscreenTarget target(ctx, width, height);
  SceneRenderer renderer(ctx, target.renderPass(), 1);
  renderer.resize(width, height);
  RenderFrame frame{sim, p, scene.camera, width, height, 0};
  const glm::vec4 c = renderer.clearColor(frame);
  const float clear[4] = {c.r, c.g, c.b, c.a};
  RenderedImage image{width, height, {}};
  image.rgba = target.render(
      [&](VkCommandBuffer cmd) {
        SceneRenderer::beginCompute(cmd);
        sim.seek(scene.step, cmd);
        renderer.recordCompute(cmd, frame);
      },
      [&](VkCommandBuffer cmd) { renderer.recordDraw(cmd, frame); }, clear);
  return image;
}

void writePng(const std::string& path, const RenderedImage& image) {
  writePathAtomically(path, [&](const std::string& tmp) {
    return stbi_write_png(tmp.c_str(), int(image.width), int(image.height), 4, image.rgba.data(),
                          int(image.width) * 4) != 0;
  });
}

}  // namespace flowscope
