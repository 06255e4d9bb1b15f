// flowscope-cli rf: theoretical receptive fields of a convolutional stack, and effective
// receptive fields (the gradient of one unit with respect to the input).
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "Attention.h"
#include "CliCommon.h"
#include "CliOutput.h"
#include "HeadlessRender.h"
#include "OutputFiles.h"
#include "OutputPath.h"
#include "ReceptiveField.h"
#include "ReceptiveFieldKernel.h"
#include "Resources.h"

namespace flowscope::cli {
namespace {

struct RfArgs {
  std::string arch, saveArch, layer, unit, weights = "uniform", input, out, backend = "auto";
  bool json = false, erf = false, relu = false, growth = false;
  int seeds = 1;
  uint64_t seed = 1;
};

// The rows of `layers` (names are unique), each parallel block with its branches' rows nested.
nlohmann::json layersJson(const std::vector<RfLayer>& layers, const RfTable& t) {
  nlohmann::json out = nlohmann::json::array();
  for (const RfLayer& l : layers) {
    const RfRow& r = *t.find(l.name);
    nlohmann::json j = {{"name", r.name},       {"type", rfLayerTypeName(r.type)},
                        {"size", r.out.size},   {"jump", r.out.jump},
                        {"start", r.out.start}, {"units", {r.out.unitsH, r.out.unitsW}}};
    if (l.type == RfLayerType::Parallel) {
      j["branches"] = nlohmann::json::array();
      for (const auto& b : l.branches) j["branches"].push_back(layersJson(b, t));
      j["misaligned"] = r.misaligned;
      j["misalignment"] = r.misalignment;
    }
    out.push_back(j);
  }
  return out;
}

std::string tableText(const Architecture& a, const RfTable& t) {
  std::string out =
      format("%s: input %d x %d; coordinates are pixel indices (pixel i centred at i)\n",
             a.name.c_str(), a.height, a.width);
  out += format("%-4s %-28s %-8s %3s %3s %3s %3s %11s %7s %6s %9s\n", "#", "layer", "type", "k",
                "s", "p", "d", "units", "size", "jump", "start");
  for (const RfRow& r : t.rows) {
    const std::string indent(size_t(r.level) * 2, ' ');
    const std::string name =
        indent + (r.level ? "[" + std::to_string(r.branch) + "] " : "") + r.name;
    const std::string units = std::to_string(r.out.unitsH) + "x" + std::to_string(r.out.unitsW);
    if (r.type == RfLayerType::Parallel)
      out += format("%-4d %-28s %-8s %3s %3s %3s %3s %11s %7lld %6lld %9.2f%s\n", r.depth,
                    name.c_str(), "parallel", "", "", "", "", units.c_str(), (long long)r.out.size,
                    (long long)r.out.jump, r.out.start,
                    r.misaligned ? ("  MISALIGNED: branch centres differ by " +
                                    std::to_string(r.misalignment) + " px")
                                       .c_str()
                                 : "");
    else
      out += format("%-4d %-28s %-8s %3d %3d %3d %3d %11s %7lld %6lld %9.2f\n", r.depth,
                    name.c_str(), rfLayerTypeName(r.type).c_str(), r.layer->kernel, r.layer->stride,
                    r.layer->padding, r.layer->dilation, units.c_str(), (long long)r.out.size,
                    (long long)r.out.jump, r.out.start);
  }
  return out + format("receptive field %lld px, jump %lld, first unit centred at %.2f",
                      (long long)t.output.size, (long long)t.output.jump, t.output.start);
}

// The ERF as a magma image, peak = 1.
RenderedImage erfImage(const ErfResult& r) {
  const auto lut = loadColormap("magma");
  double peak = 0.0;
  for (double v : r.values) peak = std::max(peak, v);
  RenderedImage img;
  img.width = uint32_t(r.width), img.height = uint32_t(r.height);
  img.rgba.resize(size_t(r.width) * r.height * 4);
  for (size_t i = 0; i < r.values.size(); ++i) {
    const double t = peak > 0.0 ? r.values[i] / peak : 0.0;
    const auto& c = lut[size_t(std::lround(std::clamp(t, 0.0, 1.0) * 255.0))];
    for (int ch = 0; ch < 3; ++ch) img.rgba[i * 4 + ch] = uint8_t(std::lround(c[ch] * 255.0));
    img.rgba[i * 4 + 3] = 255;
  }
  return img;
}

// Untimed: drivers compile pipelines on first use. One 3x3 convolution with a ReLU on 8 x 8
// pixels runs the forward and backward kernels, not the whole ERF a second time.
void warmUp(GpuReceptiveField& gpu) {
  Architecture tiny{"warm-up", 8, 8, {}};
  RfLayer conv;
  conv.name = "c", conv.kernel = 3;
  tiny.layers.push_back(conv);
  ErfOptions o;
  o.layer = "c", o.relu = true;
  gpu.run(tiny, o);
}

void stageErf(OutputFiles& files, const std::string& path, bool png, const ErfResult& r) {
  if (png) {
    files.stage(path, encodePng(erfImage(r)));
    return;
  }
  Matrix m(size_t(r.height), size_t(r.width));
  m.data = r.values;
  stageMatrixCsv(files, path, m, "x");
}

int runRf(const RfArgs& a) {
  const bool png = a.out.size() > 4 && a.out.substr(a.out.size() - 4) == ".png";
  if (a.erf && !a.growth) {
    if (a.layer.empty()) throw InputError("--erf: needs --layer NAME");
    if (a.out.empty()) throw InputError("--erf: needs --out ERF.csv or ERF.png");
    checkOutputPath("--out", a.out, png ? ".png" : ".csv");
  }
  if (!a.erf && (a.growth || !a.layer.empty() || !a.out.empty()))
    throw InputError("--layer, --growth and --out go with --erf");
  if (!a.saveArch.empty()) checkOutputPath("--save-arch", a.saveArch, ".json");
  const Architecture arch = loadArchitecture(a.arch);
  OutputFiles files;  // --save-arch lands with the ERF's output, or not at all
  if (!a.saveArch.empty()) files.stage(a.saveArch, architectureJson(arch).dump(2) + "\n");
  const RfTable table = receptiveFields(arch);
  if (!a.erf) {
    const RfState& o = table.output;
    const nlohmann::json j{{"name", arch.name},
                           {"input", {arch.height, arch.width}},
                           {"layers", layersJson(arch.layers, table)},
                           {"size", o.size},
                           {"jump", o.jump},
                           {"start", o.start},
                           {"units", {o.unitsH, o.unitsW}}};
    return finish(files, j, a.json, tableText(arch, table));
  }

  ErfOptions o;
  o.layer = a.layer, o.relu = a.relu, o.seeds = a.seeds, o.seed = a.seed;
  if (a.weights.size() > 5 && a.weights.substr(a.weights.size() - 5) == ".json") {
    o.weights = RfWeights::Loaded;
    o.loaded = readRfWeights(a.weights, arch);
  } else {
    o.weights = parseRfWeights(a.weights, "--weights");
    if (o.weights == RfWeights::Loaded) throw InputError("--weights: give the weights' .json file");
  }
  if (!a.unit.empty()) {
    int r = -1, c = -1;
    char extra = 0;
    if (std::sscanf(a.unit.c_str(), "%d,%d%c", &r, &c, &extra) != 2 || r < 0 || c < 0)
      throw InputError("--unit: expected ROW,COL (non-negative integers), got '" + a.unit + "'");
    o.unitRow = r, o.unitCol = c;
  }
  if (!a.input.empty()) o.image = readGrayImage(a.input, arch.height, arch.width);
  KernelBackend backend = openKernelBackend(a.backend);
  std::unique_ptr<GpuReceptiveField> gpu;
  if (backend.gpu) gpu = std::make_unique<GpuReceptiveField>(*backend.gpu);
  const std::string compute = gpu ? "Vulkan (" + backend.gpu->info().name + "), float32"
                                  : "CPU twin, double (every core; cpu and reference alike)";
  auto erf = [&](const Architecture& ar, const ErfOptions& eo) {
    return gpu ? gpu->run(ar, eo) : effectiveReceptiveFieldCpu(ar, eo);
  };
  if (a.growth) {
    Progress progress("rf: growth, layer");
    const auto points = rfGrowth(arch, o, erf, [&](int done, int total) { progress(done, total); });
    const GrowthFit sq = fitSqrtDepth(points), lin = fitLinearDepth(points);
    nlohmann::json g = nlohmann::json::array();
    std::string text = format("%5s %-20s %8s %10s %10s %8s\n", "depth", "layer", "size",
                              "ERF spread", "sqrt fit", "area95");
    for (const auto& p : points) {
      g.push_back({{"depth", p.depth},
                   {"layer", p.layer},
                   {"size", p.size},
                   {"spread", p.spread},
                   {"area95", p.area95}});
      text += format("%5d %-20s %8lld %10.3f %10.3f %7.1f%%\n", p.depth, p.layer.c_str(),
                     (long long)p.size, p.spread, sq.coefficient * std::sqrt(double(p.depth)),
                     100.0 * p.area95);
    }
    text += format("ERF spread ~ %.3f sqrt(depth) (R^2 %.4f); size - 1 ~ %.3f depth (R^2 %.4f)",
                   sq.coefficient, sq.r2, lin.coefficient, lin.r2);
    const nlohmann::json j{{"growth", g},
                           {"spread_sqrt_fit", {{"c", sq.coefficient}, {"r2", sq.r2}}},
                           {"size_linear_fit", {{"c", lin.coefficient}, {"r2", lin.r2}}},
                           {"backend", backend.name()},
                           {"compute", compute}};
    return finish(files, j, a.json, text);
  }
  if (gpu) warmUp(*gpu);
  const ErfResult r = erf(arch, o);
  const ErfStats s = erfStats(r);
  stageErf(files, a.out, png, r);
  const RfRow* row = table.find(o.layer);
  const nlohmann::json j{
      {"layer", o.layer},
      {"unit", {r.unitRow, r.unitCol}},
      {"size", row->out.size},
      {"box", {r.box.top, r.box.left, r.box.bottom, r.box.right}},
      {"mass", s.mass},
      {"center", {s.centerRow, s.centerCol}},
      {"spread", s.spread},
      {"area95", s.area95},
      {"pixels95", s.pixels95},
      {"box_pixels", s.boxPixels},
      {"support", {s.supportTop, s.supportLeft, s.supportBottom, s.supportRight}},
      {"weights", rfWeightsName(o.weights)},
      {"relu", o.relu},
      {"seeds", o.seeds},
      {"time_ms", r.computeMs},
      {"backend", backend.name()},
      {"compute", compute}};
  const std::string text = format(
      "ERF of %s unit (%d, %d), %s weights%s, %d seed%s: theoretical box rows %.1f..%.1f, "
      "cols %.1f..%.1f (size %lld); spread %.3f px; 95%% of the gradient mass in %d pixels = "
      "%.1f%% of the box inside the image (%d px); %.2f ms on %s",
      o.layer.c_str(), r.unitRow, r.unitCol, rfWeightsName(o.weights).c_str(),
      o.relu ? ", ReLU" : "", o.seeds, o.seeds == 1 ? "" : "s", r.box.top, r.box.bottom, r.box.left,
      r.box.right, (long long)row->out.size, s.spread, s.pixels95, 100.0 * s.area95, s.boxPixels,
      r.computeMs, backend.name().c_str());
  finish(files, j, a.json, text);
  for (const auto& name : r.defaulted)
    std::fprintf(stderr, "note: %s: no taps for layer '%s'; it uses uniform weights\n",
                 a.weights.c_str(), name.c_str());
  return kOk;
}

}  // namespace

void addRfCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<RfArgs>();
  auto* cmd = app.add_subcommand(
      "rf",
      "Receptive fields of a convolutional stack. ARCH: a preset (alexnet, vgg16, resnet50, "
      "mobilenet-v1, unet-encoder, wavenet, stack3x3) or a JSON file {\"name\", \"input\": [H, "
      "W], \"layers\": [{\"name\", \"type\": conv|maxpool|avgpool|parallel, \"kernel\", "
      "\"stride\" (1), \"padding\" (0), \"dilation\" (1), \"branches\": [[layers], ...] "
      "(parallel only)}]}.\n"
      "Theoretical field: coordinates are 0-based pixel indices (pixel i centred at i); square "
      "kernels, symmetric padding; span = d(k-1)+1, size += (span-1) jump, jump *= stride, start "
      "+= ((span-1)/2 - padding) jump (start: the input coordinate of the centre of the first "
      "output unit). A parallel block sums its branches (an empty branch is the identity); its "
      "size is the largest over its paths; branches centred differently are flagged MISALIGNED.\n"
      "--erf: the effective receptive field, mean over seeds of |dy/dx| for one unit y of "
      "--layer (default its centre unit), by back-propagating a unit impulse through a one-"
      "channel surrogate of the stack (transpose convolutions); weights uniform (1/k^2), random "
      "(N(0,1) per tap, redrawn per seed) or a JSON file {\"conv1\": [[k taps] x k rows], ...} "
      "(layers not in it: uniform). --relu: a ReLU after every convolution, the gradient taken "
      "at the unit's pre-activation; max pooling routes the gradient to its window's first "
      "maximum; average pooling divides by k^2 (padding counts as zeros). ReLU and max pooling "
      "need a forward pass on --input (a PNG, gray, resized to H x W, standardised) or seeded "
      "N(0,1) noise. area95: the fewest pixels holding 95% of the mass over the theoretical box's "
      "pixels inside the image. spread: sqrt of the mean of the two axes' mass-weighted "
      "variances. --growth: that for the centre unit of every top-level layer, with the fits "
      "spread = c sqrt(depth) and size - 1 = c depth (all layers together within the budget). "
      "An ERF may cost at most 4.3e9 multiply-adds over its seeds (H x W x k^2 per layer and "
      "pass). GPU float32; CPU double. time_ms: the "
      "computation only (GPU: after an untimed warm-up).");
  addPathOption(*cmd, "--arch", a->arch,
                "Preset name or architecture JSON file (at most 10,000 layers; parallel blocks "
                "nested at most 16 deep)")
      ->required();
  addPathOption(*cmd, "--save-arch", a->saveArch,
                "Write the architecture as JSON (e.g. a preset); written only if the whole "
                "command succeeds");
  cmd->add_flag("--json", a->json,
                "Print JSON: {\"layers\": [{\"name\", \"type\", \"size\", \"jump\", \"start\", "
                "\"units\"}], \"size\", \"jump\", ...}; with --erf the ERF's statistics");
  cmd->add_flag("--erf", a->erf, "Compute the effective receptive field");
  cmd->add_option("--layer", a->layer, "--erf: the layer whose unit is differentiated");
  cmd->add_option("--unit", a->unit, "--erf: ROW,COL of the unit in that layer (default centre)");
  cmd->add_option("--weights", a->weights,
                  "--erf: uniform | random | WEIGHTS.json (taps |w| <= 1e3)")
      ->capture_default_str();
  cmd->add_flag("--relu", a->relu, "--erf: a ReLU after every convolution");
  cmd->add_option("--seeds", a->seeds, "--erf: seeds averaged over (random weights, noise input)")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "--erf: the first seed")->capture_default_str();
  addPathOption(*cmd, "--input", a->input,
                "--erf: forward-pass input PNG (default: N(0,1) noise; at most 8192 a side)");
  cmd->add_flag("--growth", a->growth, "--erf: spread and size of every top-level layer");
  addPathOption(
      *cmd, "--out", a->out,
      "--erf: ERF.csv (header x0.., one input row per line) or ERF.png (magma, peak = 1)");
  addKernelBackendOption(*cmd, a->backend,
                         "the CPU twin in double on every core (no float32 path: the double "
                         "twin is already 3.5x faster than lavapipe; the same as reference)");
  cmd->callback([&run, a] { run = [a] { return runRf(*a); }; });
}

}  // namespace flowscope::cli
