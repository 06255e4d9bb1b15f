// flowscope-cli render: a lab's frame to PNG, or its animation to MP4 / GIF, with no window or X
// server.
#include <iostream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "LabCatalog.h"
#include "OutputPath.h"
#include "RendererCatalog.h"
#include "Theme.h"

namespace flowscope::cli {
namespace {

struct RenderArgs {
  std::string scene = "default", out, video;
  uint32_t width = 1280, height = 800;
  std::vector<uint32_t> size;  // --size W H, the same as --width W --height H
  int fps = 12, frames = 0;    // --video; frames 0: the lab's own count, else 4 seconds
  double scale = 1.0;          // the overlays' text, lines and margins
  std::string step;            // empty: the scene's own step
  std::string theme = "dark";
  std::string sweep;  // --sweep FIELD=FROM:TO: the video sweeps a scene field
  bool sweepLog = false;
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

// --video: the lab's animation, every frame rendered as the PNG would be.
int runVideo(const RenderArgs& a, uint32_t width, uint32_t height) {
  if (a.fps < 1 || a.fps > 120) throw InputError("--fps: must be between 1 and 120");
  checkOutputPath("--video", a.video, a.video.ends_with(".gif") ? ".gif" : ".mp4");
  std::unique_ptr<GpuContext> gpu;  // outlives the lab, whose kernels it holds
  const std::unique_ptr<Lab> lab = openLabScene(a.scene);
  std::optional<SweepSpec> sweep;
  if (!a.sweep.empty()) sweep = parseSweep(a.sweep, a.sweepLog, "--sweep");
  const int frames = a.frames > 0                           ? a.frames
                     : !sweep && lab->animationFrames() > 0 ? lab->animationFrames()
                                                            : 4 * a.fps;
  gpu = requireGpu();
  Progress progress("render: frame");
  const auto report = [&](int k, int n) { progress(k, n); };
  // VideoWriter writes beside the target and renames it into place when done.
  if (sweep)
    recordLabSweep(*gpu, *lab, *sweep, a.video, width, height, a.fps, frames, report,
                   float(a.scale));
  else
    recordLabVideo(*gpu, *lab, a.video, width, height, a.fps, frames, report, float(a.scale));
  OutputFiles none;
  nlohmann::json out{{"out", a.video},   {"lab", lab->info().id},     {"width", width},
                     {"height", height}, {"scale", a.scale},          {"fps", a.fps},
                     {"frames", frames}, {"device", gpu->info().name}};
  if (sweep)
    out["sweep"] = {{"field", sweep->field},
                    {"from", sweep->from},
                    {"to", sweep->to},
                    {"spacing", sweep->geometric ? "geometric" : "linear"}};
  return finish(none, out, a.json, a.video);
}

int runRender(RenderArgs a) {
  if (!a.size.empty()) a.width = a.size[0], a.height = a.size[1];
  if (a.width < 16 || a.width > 8192) throw InputError("--width: must be between 16 and 8192");
  if (a.height < 16 || a.height > 8192) throw InputError("--height: must be between 16 and 8192");
  if (!(a.scale >= 0.5 && a.scale <= 8.0)) throw InputError("--scale: must be between 0.5 and 8");
  if (a.out.empty() == a.video.empty())
    throw InputError("render: give --out F.png|F.svg or --video F.mp4|F.gif");
  setTheme(parseTheme(a.theme, "--theme"));
  if (!a.video.empty()) {
    if (!a.step.empty()) throw InputError("--step: a video shows every step (no --step)");
    return runVideo(a, a.width, a.height);
  }
  if (a.frames > 0) throw InputError("--frames: only with --video");
  if (!a.sweep.empty() || a.sweepLog) throw InputError("--sweep: only with --video");
  const bool svg = a.out.ends_with(".svg");
  checkOutputPath("--out", a.out, svg ? ".svg" : ".png");
  std::unique_ptr<GpuContext> gpu;  // outlives the lab, whose kernels it holds
  const std::unique_ptr<Lab> lab = openLabScene(a.scene);
  if (!a.step.empty()) showStep(*lab, a.step);
  gpu = requireGpu();
  Progress progress("render: step");
  const auto report = [&](int k, int n) { progress(k, n); };
  OutputFiles files;
  if (svg)
    files.stage(a.out, renderLabSvg(*gpu, *lab, a.width, a.height, report, float(a.scale)));
  else
    files.stage(a.out, encodePng(renderLab(*gpu, *lab, a.width, a.height, report, float(a.scale))));
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
  addPathOption(*cmd, "--out", a->out,
                "Output image: .png, or .svg (points, lines, arrows, text and colour bars as "
                "vector elements over the heatmaps and GPU-drawn layers embedded as a PNG)");
  addPathOption(*cmd, "--video", a->video,
                "Output video instead of a PNG: .mp4 (H.264) or .gif, of the lab's animation: "
                "the Diffusion & Flow lab's run, every step; the Transport lab's displacement "
                "interpolation, t from 0 (source) to 1 (target), or in coupling mode its flow "
                "paths from the noise (t = 1) to the data (t = 0); the Normalizing Flows lab's "
                "layers, from none applied to all, in its scene's direction");
  cmd->add_option("--theme", a->theme,
                  "dark (screens) or light (projectors in bright rooms, print): the background, "
                  "grid, axes, text and neutral lines; data colours stay")
      ->capture_default_str();
  cmd->add_option("--sweep", a->sweep,
                  "Video of a parameter sweep instead of the animation: FIELD=FROM:TO, FIELD a "
                  "numeric field of the scene JSON by its dotted path (transport.epsilon, "
                  "sampling.steps, attention.temperature, camera.height...), taken linearly from "
                  "FROM to TO over the frames (integers rounded); each frame validated as a "
                  "scene file would be");
  cmd->add_flag("--sweep-log", a->sweepLog,
                "Space the sweep's values geometrically (for eps, sigma, scales: FROM, TO > 0)");
  cmd->add_option("--fps", a->fps, "Video frame rate (1..120)")->capture_default_str();
  cmd->add_option("--frames", a->frames,
                  "Video frames (2..10000; default: one per step of a run, else 4 seconds)");
  cmd->add_option("--size", a->size, "Image size W H in pixels (the same as --width --height)")
      ->expected(2);
  cmd->add_option("--step", a->step,
                  "Step to show, for a lab whose scenes have steps (Diffusion & Flow: the "
                  "sampler's step; Normalizing Flows: the layers applied): 0..N or 'end' "
                  "(default: the scene's step)");
  cmd->add_option("--width", a->width, "Image width in pixels (16..8192)")->capture_default_str();
  cmd->add_option("--height", a->height, "Image height in pixels (16..8192)")
      ->capture_default_str();
  cmd->add_option("--scale", a->scale,
                  "Size of the text, lines and margins drawn over the plot (0.5..8): 2 doubles "
                  "them, for a 4K figure or a projector; world positions stay where the camera "
                  "puts them")
      ->capture_default_str();
  cmd->add_flag("--json", a->json,
                "Print {\"out\", \"lab\", \"width\", \"height\", \"scale\", \"device\"} (a video "
                "adds \"fps\", \"frames\", and a sweep \"sweep\") instead of the path");
  cmd->callback([&run, a] { run = [a] { return runRender(*a); }; });
  cmd->footer(
      "Examples: render --scene assets:lessons/01-ddpm-vs-ddim.json --out f.png --size 3840 "
      "2160 --scale 3;  render --scene default-transport --video mccann.gif --fps 15;  render "
      "--scene default-transport --video eps.mp4 --sweep transport.epsilon=0.5:0.005 --sweep-log "
      "--frames 48");
}

}  // namespace flowscope::cli
