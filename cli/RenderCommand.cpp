// flowscope-cli render: a lab's frame to PNG, with no window or X server.
#include <iostream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "LabCatalog.h"
#include "OutputPath.h"
#include "RendererCatalog.h"

namespace flowscope::cli {
namespace {

struct RenderArgs {
  std::string scene = "default", out;
  uint32_t width = 1280, height = 800;
  double scale = 1.0;  // the overlays' text, lines and margins
  std::string step;    // empty: the scene's own step
  bool json = false;
};

// --step: 0..N or 'end', for a lab whose scenes have steps.
void showStep(Lab& lab, const std::string& step) {
  const int steps = lab.sceneSteps();
  if (steps == 0)
    throw InputError("--step: the " + lab.info().title + " lab's scenes have no steps to show");
  int k = -1;
  if (step == "end") {
    k = steps;
  } else {
    size_t used = 0;
    try {
      k = std::stoi(step, &used);
    } catch (const std::exception&) {
    }
    if (used != step.size() || k < 0 || k > steps)
      throw InputError("--step: expected 0.." + std::to_string(steps) + " or 'end' (got '" + step +
                       "')");
  }
  lab.showStep(k);
}

int runRender(const RenderArgs& a) {
  if (a.width < 16 || a.width > 8192) throw InputError("--width: must be between 16 and 8192");
  if (a.height < 16 || a.height > 8192) throw InputError("--height: must be between 16 and 8192");
  if (!(a.scale >= 0.5 && a.scale <= 8.0)) throw InputError("--scale: must be between 0.5 and 8");
  checkOutputPath("--out", a.out, ".png");
  std::unique_ptr<GpuContext> gpu;  // outlives the lab, whose kernels it holds
  const std::unique_ptr<Lab> lab = openLabScene(a.scene);
  if (!a.step.empty()) showStep(*lab, a.step);
  gpu = requireGpu();
  Progress progress("render: step");
  RenderedImage image = renderLab(
      *gpu, *lab, a.width, a.height, [&](int k, int n) { progress(k, n); }, float(a.scale));
  OutputFiles files;
  files.stage(a.out, encodePng(image));
  return finish(files,
                {{"out", a.out},
                 {"lab", lab->info().id},
                 {"width", a.width},
                 {"height", a.height},
                 {"scale", a.scale},
                 {"device", gpu->info().name}},
                a.json, a.out);
}

}  // namespace

void addRenderCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<RenderArgs>();
  auto* cmd = app.add_subcommand(
      "render",
      "Render any lab's scene (what the GUI's viewport shows, without the panel) to PNG: " +
          sceneTagsHelp() + ". Needs a Vulkan device (lavapipe counts); exits 3 without one.");
  addPathOption(*cmd, "--scene", a->scene, "Scene JSON, or a built-in scene: " + sceneNamesHelp())
      ->capture_default_str();
  addPathOption(*cmd, "--out", a->out, "Output PNG")->required();
  cmd->add_option("--step", a->step,
                  "Step to show, for a lab whose scenes have steps (Diffusion & Flow): 0..N or "
                  "'end' (default: the scene's step)");
  cmd->add_option("--width", a->width, "Image width in pixels (16..8192)")->capture_default_str();
  cmd->add_option("--height", a->height, "Image height in pixels (16..8192)")
      ->capture_default_str();
  cmd->add_option("--scale", a->scale,
                  "Size of the text, lines and margins drawn over the plot (0.5..8): 2 doubles "
                  "them, for a 4K figure or a projector; world positions stay where the camera "
                  "puts them")
      ->capture_default_str();
  cmd->add_flag("--json", a->json,
                "Print {\"out\", \"lab\", \"width\", \"height\", \"scale\", \"device\"} instead of "
                "the "
                "path");
  cmd->callback([&run, a] { run = [a] { return runRender(*a); }; });
}

}  // namespace flowscope::cli
