// flowscope-cli render: a lab's frame to PNG, with no window or X server.
#include <iostream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "DiffusionHeadless.h"
#include "OutputPath.h"

namespace flowscope::cli {
namespace {

struct RenderArgs {
  std::string scene = "default", out;
  uint32_t width = 1280, height = 800;
  std::string step;  // empty: the scene's own step
};

int runRender(const RenderArgs& a) {
  if (a.width < 16 || a.width > 8192) throw InputError("--width: must be between 16 and 8192");
  if (a.height < 16 || a.height > 8192) throw InputError("--height: must be between 16 and 8192");
  checkOutputPath("--out", a.out, ".png");
  DiffusionScene scene =
      a.scene == "default" ? defaultDiffusionScene() : loadDiffusionScene(a.scene);
  if (!a.step.empty()) {
    const int steps = scene.params.schedule().steps;
    if (a.step == "end") {
      scene.step = steps;
    } else {
      size_t used = 0;
      int k = -1;
      try {
        k = std::stoi(a.step, &used);
      } catch (const std::exception&) {
      }
      if (used != a.step.size() || k < 0 || k > steps)
        throw InputError("--step: expected 0.." + std::to_string(steps) + " or 'end' (got '" +
                         a.step + "')");
      scene.step = k;
    }
  }
  auto gpu = requireGpu();
  Progress progress("render: step");
  RenderedImage image =
      renderDiffusionScene(*gpu, scene, a.width, a.height, [&](int k, int n) { progress(k, n); });
  OutputFiles files;
  files.stage(a.out, encodePng(image));
  return finish(files, {{"out", a.out}}, false, a.out);
}

}  // namespace

void addRenderCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<RenderArgs>();
  auto* cmd = app.add_subcommand(
      "render",
      "Render a scene's frame (what the GUI's viewport shows, without the panel) to PNG. "
      "Needs a Vulkan device (lavapipe counts); exits 3 without one.");
  addPathOption(*cmd, "--scene", a->scene,
                "DiffusionScene JSON, or 'default' for the default scene")
      ->capture_default_str();
  addPathOption(*cmd, "--out", a->out, "Output PNG")->required();
  cmd->add_option("--step", a->step, "Step to show: 0..N or 'end' (default: the scene's step)");
  cmd->add_option("--width", a->width, "Image width in pixels (16..8192)")->capture_default_str();
  cmd->add_option("--height", a->height, "Image height in pixels (16..8192)")
      ->capture_default_str();
  cmd->callback([&run, a] { run = [a] { return runRender(*a); }; });
}

}  // namespace flowscope::cli
