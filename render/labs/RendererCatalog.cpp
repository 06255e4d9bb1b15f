#include "RendererCatalog.h"

#include <stdexcept>

#include "Draw2D.h"
#include "InputError.h"
#include "LabCatalog.h"
#include "LabHeadless.h"
#include "LabList.h"
#include "SvgRecorder.h"
#include "VideoWriter.h"

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

std::string renderLabSvg(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                         const std::function<void(int, int)>& progress, float uiScale) {
  SvgRecorder svg;
  const RenderedImage layers = renderLab(ctx, lab, width, height, progress, uiScale);
  const OverlaySize o = overlaySize(width, height, uiScale);
  return svg.document(int(width), int(height), encodePng(layers), float(width) / float(o.width));
}

namespace {

// `frames` frames into a video file, frame k drawn after prepare(k).
void recordFrames(const GpuContext& ctx, Lab& lab, const std::string& path, uint32_t width,
                  uint32_t height, int fps, int frames, const std::function<void(int)>& prepare,
                  const std::function<void(int, int)>& progress, float uiScale) {
  if (frames < 2 || frames > 10000) throw InputError("--frames: must be between 2 and 10000");
  VideoWriter video(path, int(width), int(height), fps);
  renderHeadlessFrames(
      ctx, lab, width, height, [&](VkRenderPass pass) { return makeRenderer(lab, ctx, pass, 1); },
      frames, prepare,
      [&](int k, const RenderedImage& image) {
        video.write(image.rgba.data());
        if (progress) progress(k + 1, frames);
      },
      uiScale);
  video.finish();
}

}  // namespace

void recordLabVideo(const GpuContext& ctx, Lab& lab, const std::string& path, uint32_t width,
                    uint32_t height, int fps, int frames,
                    const std::function<void(int, int)>& progress, float uiScale) {
  if (!lab.showAnimation(0.0))
    throw InputError("the " + lab.info().title +
                     " lab has no animation to record (videos: the Diffusion & Flow lab's run, "
                     "the Transport lab's displacement interpolation; any lab: a parameter "
                     "sweep)");
  recordFrames(
      ctx, lab, path, width, height, fps, frames,
      [&](int k) { lab.showAnimation(double(k) / double(frames - 1)); }, progress, uiScale);
}

void recordLabSweep(const GpuContext& ctx, Lab& lab, const SweepSpec& sweep,
                    const std::string& path, uint32_t width, uint32_t height, int fps, int frames,
                    const std::function<void(int, int)>& progress, float uiScale) {
  const nlohmann::json base = lab.sceneJson();
  const auto show = [&](double u) {
    lab.openScene(sweptScene(base, sweep, sweepValue(sweep, u)), "--sweep " + sweep.field);
  };
  try {
    show(1.0);  // both ends open, or the error names the field before any file is made
    show(0.0);
    recordFrames(
        ctx, lab, path, width, height, fps, frames,
        [&](int k) { show(double(k) / double(frames - 1)); }, progress, uiScale);
  } catch (...) {
    lab.openScene(base, "the scene before the sweep");
    throw;
  }
  lab.openScene(base, "the scene before the sweep");
}

}  // namespace flowscope
