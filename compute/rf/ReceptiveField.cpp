#include "ReceptiveField.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "Dataset.h"
#include "EnumNames.h"
#include "InputError.h"
#include "JsonFile.h"
#include "Limits.h"
#include "OutputFiles.h"
#include "Parallel.h"
#include "Resources.h"
#include "Rng.h"

namespace flowscope {
namespace {

constexpr NamedValue<RfLayerType> kLayerTypes[] = {{RfLayerType::Conv, "conv"},
                                                   {RfLayerType::MaxPool, "maxpool"},
                                                   {RfLayerType::AvgPool, "avgpool"},
                                                   {RfLayerType::Parallel, "parallel"}};
constexpr NamedValue<RfWeights> kWeights[] = {
    {RfWeights::Uniform, "uniform"}, {RfWeights::Random, "random"}, {RfWeights::Loaded, "loaded"}};
constexpr int kMaxLayerSize = 4096;  // kernel, stride, padding, dilation

std::string describe(const std::string& name, const std::string& path) {
  return name.empty() ? path : "layer '" + name + "' (" + path + ")";
}

// ---- JSON ----

// Parallel blocks nest at most kMaxRfNesting deep: every walk over a stack recurses per level.
void checkNesting(int level, const std::string& what) {
  if (level >= kMaxRfNesting)
    throw InputError(what + ": parallel blocks nest more than " + std::to_string(kMaxRfNesting) +
                     " levels deep");
}

struct Parser {
  std::string source;
  [[noreturn]] void fail(const std::string& what, const std::string& why) const {
    throw InputError(source + ": " + what + ": " + why);
  }
  int size(const nlohmann::json& j, const char* key, int fallback, int minimum,
           const std::string& what) const {
    if (!j.contains(key)) return fallback;
    const auto& v = j[key];
    const std::string want = minimum > 0 ? "a positive integer" : "a non-negative integer";
    if (!v.is_number_integer()) fail(what, std::string(key) + " must be " + want);
    const long long x = v.get<long long>();
    if (x < minimum || x > kMaxLayerSize)
      fail(what, std::string(key) + " must be " + want + " up to " + std::to_string(kMaxLayerSize) +
                     " (got " + std::to_string(x) + ")");
    return int(x);
  }
  std::vector<RfLayer> layers(const nlohmann::json& j, const std::string& path,
                              int level = 0) const {
    if (!j.is_array()) fail(path, "expected an array of layers");
    std::vector<RfLayer> out;
    for (size_t i = 0; i < j.size(); ++i)
      out.push_back(layer(j[i], path + "[" + std::to_string(i) + "]", level));
    return out;
  }
  RfLayer layer(const nlohmann::json& j, const std::string& path, int level) const {
    if (!j.is_object()) fail(path, "expected a layer object");
    RfLayer l;
    if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
      fail(path, "every layer needs a \"name\" (a non-empty string)");
    l.name = j["name"].get<std::string>();
    const std::string what = describe(l.name, path);
    if (!j.contains("type") || !j["type"].is_string())
      fail(what, "\"type\" must be one of conv, maxpool, avgpool, parallel");
    try {
      l.type = parseIn(kLayerTypes, j["type"].get<std::string>(), "type");
    } catch (const InputError& e) {
      fail(what, e.what());
    }
    static const std::set<std::string> convKeys = {"name",   "type",    "kernel",
                                                   "stride", "padding", "dilation"};
    static const std::set<std::string> blockKeys = {"name", "type", "branches"};
    const auto& allowed = l.type == RfLayerType::Parallel ? blockKeys : convKeys;
    for (auto it = j.begin(); it != j.end(); ++it)
      if (!allowed.count(it.key()))
        fail(what,
             "unknown field \"" + it.key() + "\" for a " + rfLayerTypeName(l.type) + " layer");
    if (l.type == RfLayerType::Parallel) {
      if (!j.contains("branches") || !j["branches"].is_array() || j["branches"].empty())
        fail(what, "a parallel layer needs \"branches\": a non-empty array of layer arrays");
      checkNesting(level, what);
      for (size_t b = 0; b < j["branches"].size(); ++b)
        l.branches.push_back(
            layers(j["branches"][b], path + ".branches[" + std::to_string(b) + "]", level + 1));
      return l;
    }
    if (!j.contains("kernel")) fail(what, "missing \"kernel\"");
    l.kernel = size(j, "kernel", 0, 1, what);
    l.stride = size(j, "stride", 1, 1, what);
    l.padding = size(j, "padding", 0, 0, what);
    l.dilation = size(j, "dilation", 1, 1, what);
    return l;
  }
};

nlohmann::json layersJson(const std::vector<RfLayer>& layers) {
  nlohmann::json out = nlohmann::json::array();
  for (const RfLayer& l : layers) {
    nlohmann::json j = {{"name", l.name}, {"type", rfLayerTypeName(l.type)}};
    if (l.type == RfLayerType::Parallel) {
      j["branches"] = nlohmann::json::array();
      for (const auto& b : l.branches) j["branches"].push_back(layersJson(b));
    } else {
      j["kernel"] = l.kernel;
      if (l.stride != 1) j["stride"] = l.stride;
      if (l.padding != 0) j["padding"] = l.padding;
      if (l.dilation != 1) j["dilation"] = l.dilation;
    }
    out.push_back(j);
  }
  return out;
}

// ---- The recurrences ----

struct Walker {
  std::string source;
  std::vector<RfRow>& rows;
  std::set<std::string> names;
  [[noreturn]] void fail(const std::string& what, const std::string& why) const {
    throw InputError(source + ": " + what + ": " + why);
  }
  RfState walk(const std::vector<RfLayer>& layers, RfState s, int level, int branch,
               const std::string& path) {
    for (size_t i = 0; i < layers.size(); ++i)
      s = step(layers[i], s, level, branch, int(i) + 1, path + "[" + std::to_string(i) + "]");
    return s;
  }
  RfState step(const RfLayer& l, const RfState& in, int level, int branch, int depth,
               const std::string& path) {
    const std::string what = describe(l.name, path);
    if (l.name.empty()) fail(path, "every layer needs a name");
    if (!names.insert(l.name).second) fail(what, "the name is used twice (names must be unique)");
    RfRow row;
    row.name = l.name, row.type = l.type, row.depth = depth, row.level = level;
    row.branch = branch, row.layer = &l, row.in = in;
    RfState out = in;
    if (rows.size() >= size_t(kMaxRfLayers))
      fail(what, "more than " + std::to_string(kMaxRfLayers) + " layers");
    if (l.type == RfLayerType::Parallel) {
      if (l.branches.empty()) fail(what, "a parallel layer needs at least one branch");
      checkNesting(level, source + ": " + what);
      std::vector<RfState> ends;
      for (size_t b = 0; b < l.branches.size(); ++b)
        ends.push_back(walk(l.branches[b], in, level + 1, int(b),
                            path + ".branches[" + std::to_string(b) + "]"));
      size_t widest = 0;
      for (size_t b = 0; b < ends.size(); ++b) {
        const RfState& e = ends[b];
        if (e.unitsH != ends[0].unitsH || e.unitsW != ends[0].unitsW || e.jump != ends[0].jump)
          fail(what, "its branches end on different grids: branch 0 gives " +
                         std::to_string(ends[0].unitsH) + " x " + std::to_string(ends[0].unitsW) +
                         " units at jump " + std::to_string(ends[0].jump) + ", branch " +
                         std::to_string(b) + " " + std::to_string(e.unitsH) + " x " +
                         std::to_string(e.unitsW) + " at jump " + std::to_string(e.jump));
        if (e.size > ends[widest].size) widest = b;
      }
      out = ends[widest];
      for (const RfState& e : ends)
        row.misalignment = std::max(row.misalignment, std::abs(e.start - out.start));
      row.misaligned = row.misalignment > 1e-9;
    } else {
      if (l.kernel < 1 || l.stride < 1 || l.padding < 0 || l.dilation < 1)
        fail(what, "kernel, stride and dilation must be positive and padding non-negative");
      const int span = l.span();
      if (l.type != RfLayerType::Conv && 2 * l.padding > span)
        fail(what, "pooling padding must be at most half the window (" + std::to_string(span) +
                       "), or windows would lie wholly in the padding");
      const int64_t h = int64_t(in.unitsH) + 2 * l.padding - span,
                    w = int64_t(in.unitsW) + 2 * l.padding - span;
      if (h < 0 || w < 0)
        fail(what, "its output is empty: " + std::to_string(in.unitsH) + " x " +
                       std::to_string(in.unitsW) + " units with padding " +
                       std::to_string(l.padding) + " are smaller than the window of " +
                       std::to_string(span) + " pixels");
      out.unitsH = int(h / l.stride + 1);
      out.unitsW = int(w / l.stride + 1);
      out.size = in.size + int64_t(span - 1) * in.jump;
      out.jump = in.jump * l.stride;
      out.start = in.start + (0.5 * (span - 1) - l.padding) * double(in.jump);
      if (out.size > (int64_t(1) << 40) || out.jump > (int64_t(1) << 40))
        fail(what, "the receptive field overflows");
    }
    row.out = out;
    rows.push_back(row);
    return out;
  }
};

void checkInput(const Architecture& a, const std::string& source) {
  if (a.height < 1 || a.width < 1 || a.height > kMaxRfInput || a.width > kMaxRfInput)
    throw InputError(source + ": input: [H, W] must be positive integers up to " +
                     std::to_string(kMaxRfInput) + " (got [" + std::to_string(a.height) + ", " +
                     std::to_string(a.width) + "])");
}

// Validates the whole stack (errors prefixed by `source`) and computes every layer's row.
RfTable walkArchitecture(const Architecture& a, const std::string& source) {
  checkInput(a, source);
  RfTable t;
  t.input.unitsH = a.height, t.input.unitsW = a.width;
  Walker walker{source, t.rows, {}};
  t.output = walker.walk(a.layers, t.input, 0, -1, "layers");
  return t;
}

// ---- Presets ----

RfLayer conv(const std::string& name, int k, int s = 1, int p = 0, int d = 1) {
  RfLayer l;
  l.name = name, l.type = RfLayerType::Conv, l.kernel = k, l.stride = s, l.padding = p;
  l.dilation = d;
  return l;
}
RfLayer pool(const std::string& name, RfLayerType t, int k, int s, int p = 0) {
  RfLayer l = conv(name, k, s, p);
  l.type = t;
  return l;
}
RfLayer block(const std::string& name, std::vector<std::vector<RfLayer>> branches) {
  RfLayer l;
  l.name = name, l.type = RfLayerType::Parallel, l.branches = std::move(branches);
  return l;
}

Architecture alexnet() {
  Architecture a{"alexnet", 227, 227, {}};
  a.layers = {conv("conv1", 11, 4),   pool("pool1", RfLayerType::MaxPool, 3, 2),
              conv("conv2", 5, 1, 2), pool("pool2", RfLayerType::MaxPool, 3, 2),
              conv("conv3", 3, 1, 1), conv("conv4", 3, 1, 1),
              conv("conv5", 3, 1, 1), pool("pool5", RfLayerType::MaxPool, 3, 2)};
  return a;
}

Architecture vgg16() {
  Architecture a{"vgg16", 224, 224, {}};
  const int convs[] = {2, 2, 3, 3, 3};
  for (int b = 1; b <= 5; ++b) {
    for (int c = 1; c <= convs[b - 1]; ++c)
      a.layers.push_back(conv("conv" + std::to_string(b) + "_" + std::to_string(c), 3, 1, 1));
    a.layers.push_back(pool("pool" + std::to_string(b), RfLayerType::MaxPool, 2, 2));
  }
  return a;
}

// ResNet-50 as in He et al. 2016 (the original, "v1"): a stage's first block downsamples in its
// first 1x1 convolution and its 1x1 stride-2 shortcut (torchvision's v1.5 moves the stride to the
// 3x3, which gives 427 instead of 483).
Architecture resnet50() {
  Architecture a{"resnet50", 224, 224, {}};
  a.layers = {conv("conv1", 7, 2, 3), pool("pool1", RfLayerType::MaxPool, 3, 2, 1)};
  const int blocks[] = {3, 4, 6, 3};
  for (int stage = 2; stage <= 5; ++stage)
    for (int b = 0; b < blocks[stage - 2]; ++b) {
      const std::string name = "res" + std::to_string(stage) + char('a' + b);
      const int stride = (b == 0 && stage > 2) ? 2 : 1;
      std::vector<RfLayer> main = {conv(name + "_branch2a", 1, stride),
                                   conv(name + "_branch2b", 3, 1, 1), conv(name + "_branch2c", 1)};
      std::vector<RfLayer> shortcut;
      if (b == 0) shortcut.push_back(conv(name + "_branch1", 1, stride));
      a.layers.push_back(block(name, {main, shortcut}));
    }
  return a;
}

// MobileNet v1 (Howard et al. 2017), main path up to the last pointwise convolution: a depthwise
// 3x3 and a pointwise 1x1 per separable layer.
Architecture mobilenetV1() {
  Architecture a{"mobilenet-v1", 224, 224, {conv("conv0", 3, 2, 1)}};
  const int strides[] = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};
  for (int i = 1; i <= 13; ++i) {
    a.layers.push_back(conv("dw" + std::to_string(i), 3, strides[i - 1], 1));
    a.layers.push_back(conv("pw" + std::to_string(i), 1));
  }
  return a;
}

// A small U-Net encoder (Ronneberger et al. 2015 with padded convolutions): three levels of two
// 3x3 convolutions and a 2x2 max pool, then the two bottleneck convolutions.
Architecture unetEncoder() {
  Architecture a{"unet-encoder", 128, 128, {}};
  for (int level = 1; level <= 3; ++level) {
    a.layers.push_back(conv("enc" + std::to_string(level) + "a", 3, 1, 1));
    a.layers.push_back(conv("enc" + std::to_string(level) + "b", 3, 1, 1));
    a.layers.push_back(pool("pool" + std::to_string(level), RfLayerType::MaxPool, 2, 2));
  }
  a.layers.push_back(conv("bottleneck_a", 3, 1, 1));
  a.layers.push_back(conv("bottleneck_b", 3, 1, 1));
  return a;
}

// WaveNet-style dilated stack (van den Oord et al. 2016; Yu & Koltun 2016), made 2-D and centred:
// 3x3 convolutions whose dilation doubles 1, 2, ..., 64, padded to keep the size.
Architecture wavenet() {
  Architecture a{"wavenet", 256, 256, {}};
  for (int d = 1; d <= 64; d *= 2) a.layers.push_back(conv("dil" + std::to_string(d), 3, 1, d, d));
  return a;
}

// A plain stack of 3x3 convolutions (the benchmark's 20-layer stack and the sqrt(depth) lesson).
Architecture stack3x3() {
  Architecture a{"stack3x3", 128, 128, {}};
  for (int i = 1; i <= 12; ++i) a.layers.push_back(conv("conv" + std::to_string(i), 3, 1, 1));
  return a;
}

// ---- ERF ----

void collectConvs(const std::vector<RfLayer>& layers, std::map<std::string, int>& kernels) {
  for (const RfLayer& l : layers) {
    if (l.type == RfLayerType::Conv) kernels[l.name] = l.kernel;
    for (const auto& b : l.branches) collectConvs(b, kernels);
  }
}

struct Compiler {
  const ErfOptions& o;
  RfProgram& p;
  bool done = false;
  const RfLayer* lastOfBranch = nullptr;
  int plane(int h, int w) {
    RfPlane pl;
    pl.height = h, pl.width = w, pl.offset = p.planeFloats;
    p.planeFloats += size_t(h) * w;
    p.planes.push_back(pl);
    return int(p.planes.size()) - 1;
  }
  int emit(const std::vector<RfLayer>& layers, int in, bool branch = false) {
    for (const RfLayer& l : layers) {
      if (done) return in;
      lastOfBranch = branch && &l == &layers.back() ? &l : nullptr;
      in = emit(l, in);
    }
    return in;
  }
  int emit(const RfLayer& l, int in) {
    int out;
    if (l.type == RfLayerType::Parallel) {
      std::vector<int> ends;
      for (const auto& b : l.branches) {
        ends.push_back(emit(b, in, true));
        if (done) return ends.back();
      }
      out = plane(p.planes[ends[0]].height, p.planes[ends[0]].width);
      for (size_t b = 0; b < ends.size(); ++b) {
        RfOp op;
        op.kind = RfOp::Add, op.in = ends[b], op.out = out, op.accumulate = b > 0;
        op.layer = l.name;
        p.ops.push_back(op);
      }
      // The block's ReLU follows the sum (a residual block's); the block as the target is
      // differentiated at its pre-activation, so the ReLU is only emitted when layers follow.
      if (o.relu && l.name != o.layer) {
        RfOp op;
        op.kind = RfOp::Relu, op.in = out,
        op.out = plane(p.planes[out].height, p.planes[out].width);
        op.layer = l.name;
        p.ops.push_back(op);
        out = op.out;
      }
    } else {
      const int span = l.span();
      const int h = (p.planes[in].height + 2 * l.padding - span) / l.stride + 1,
                w = (p.planes[in].width + 2 * l.padding - span) / l.stride + 1;
      out = plane(h, w);
      RfOp op;
      op.kind = l.type == RfLayerType::Conv      ? RfOp::Conv
                : l.type == RfLayerType::MaxPool ? RfOp::MaxPool
                                                 : RfOp::AvgPool;
      op.in = in, op.out = out, op.kernel = l.kernel, op.stride = l.stride;
      op.padding = l.padding, op.dilation = l.dilation, op.layer = l.name;
      if (op.kind == RfOp::Conv) {
        // A branch's last convolution feeds the block's sum, whose ReLU follows the sum.
        op.relu = o.relu && !(&l == lastOfBranch);
        op.weightOffset = p.weightCount;
        p.weightCount += l.kernel * l.kernel;
      }
      if (op.kind == RfOp::MaxPool) p.needsForward = true;
      p.ops.push_back(op);
    }
    if (l.name == o.layer) {
      p.target = out;
      done = true;
    }
    return out;
  }
};

// Input coordinate of tap t of output o, or -1 (in the padding).
inline int tapIndex(int o, int t, const RfOp& op, int n) {
  const int i = o * op.stride - op.padding + t * op.dilation;
  return i >= 0 && i < n ? i : -1;
}
// Output coordinate whose tap t reads input i, or -1.
inline int outIndex(int i, int t, const RfOp& op, int n) {
  const int num = i + op.padding - t * op.dilation;
  if (num < 0 || num % op.stride) return -1;
  const int o = num / op.stride;
  return o < n ? o : -1;
}

void forwardCpu(const RfProgram& p, const RfOp& op, const std::vector<float>& w,
                std::vector<double>& a, std::vector<int>& argmax) {
  const RfPlane &in = p.planes[op.in], &out = p.planes[op.out];
  parallelFor(
      size_t(out.height) * out.width,
      [&](size_t idx) {
        const int oy = int(idx / out.width), ox = int(idx % out.width);
        double v = 0.0;
        if (op.kind == RfOp::Add) {
          v = a[in.offset + idx];
        } else if (op.kind == RfOp::Relu) {
          v = std::max(a[in.offset + idx], 0.0);
        } else {
          double best = -INFINITY;
          int arg = -1;
          for (int ty = 0; ty < op.kernel; ++ty) {
            const int iy = tapIndex(oy, ty, op, in.height);
            if (iy < 0) continue;
            for (int tx = 0; tx < op.kernel; ++tx) {
              const int ix = tapIndex(ox, tx, op, in.width);
              if (ix < 0) continue;
              const double x = a[in.offset + size_t(iy) * in.width + ix];
              if (op.kind == RfOp::Conv)
                v += double(w[op.weightOffset + ty * op.kernel + tx]) * x;
              else if (op.kind == RfOp::AvgPool)
                v += x;
              else if (x > best)
                best = x, arg = iy * in.width + ix;
            }
          }
          if (op.kind == RfOp::AvgPool) v /= double(op.kernel * op.kernel);
          if (op.kind == RfOp::MaxPool) {
            v = arg < 0 ? 0.0 : best;
            argmax[out.offset + idx] = arg;
          }
          if (op.relu) v = std::max(v, 0.0);
        }
        double& dst = a[out.offset + idx];
        dst = op.accumulate ? dst + v : v;
      },
      256);
}

void backwardCpu(const RfProgram& p, const RfProgram::BackwardStep& step,
                 const std::vector<float>& w, const std::vector<double>& a,
                 const std::vector<int>& argmax, std::vector<double>& g) {
  const RfOp& op = p.ops[step.op];
  const RfPlane &in = p.planes[op.in], &out = p.planes[op.out];
  const bool mask = step.mask, accumulate = step.accumulate;
  parallelFor(
      size_t(in.height) * in.width,
      [&](size_t idx) {
        const int iy = int(idx / in.width), ix = int(idx % in.width);
        double v = 0.0;
        if (op.kind == RfOp::Add) {
          v = g[out.offset + idx];
        } else if (op.kind == RfOp::Relu) {
          v = a[out.offset + idx] > 0.0 ? g[out.offset + idx] : 0.0;
        } else {
          for (int ty = 0; ty < op.kernel; ++ty) {
            const int oy = outIndex(iy, ty, op, out.height);
            if (oy < 0) continue;
            for (int tx = 0; tx < op.kernel; ++tx) {
              const int ox = outIndex(ix, tx, op, out.width);
              if (ox < 0) continue;
              const size_t o = out.offset + size_t(oy) * out.width + ox;
              if (op.kind == RfOp::Conv) {
                if (!mask || a[o] > 0.0)
                  v += double(w[op.weightOffset + ty * op.kernel + tx]) * g[o];
              } else if (op.kind == RfOp::AvgPool) {
                v += g[o] / double(op.kernel * op.kernel);
              } else if (argmax[o] == int(idx)) {
                v += g[o];
              }
            }
          }
        }
        double& dst = g[in.offset + idx];
        dst = accumulate ? dst + v : v;
      },
      256);
}

}  // namespace

std::string rfLayerTypeName(RfLayerType t) {
  return nameIn(kLayerTypes, t);
}
std::string rfWeightsName(RfWeights w) {
  return nameIn(kWeights, w);
}
RfWeights parseRfWeights(const std::string& name, const std::string& field) {
  return parseIn(kWeights, name, field);
}

Architecture parseArchitecture(const nlohmann::json& j, const std::string& source) {
  Parser parser{source};
  if (!j.is_object()) parser.fail("document", "expected an object with \"input\" and \"layers\"");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "name" && it.key() != "input" && it.key() != "layers")
      parser.fail("field '" + it.key() + "'", "unknown field (valid: name, input, layers)");
  Architecture a;
  if (j.contains("name")) {
    if (!j["name"].is_string()) parser.fail("field 'name'", "expected a string");
    a.name = j["name"].get<std::string>();
  }
  if (!j.contains("input") || !j["input"].is_array() || j["input"].size() != 2 ||
      !j["input"][0].is_number_integer() || !j["input"][1].is_number_integer())
    parser.fail("field 'input'", "expected [H, W], two positive integers");
  const long long h = j["input"][0].get<long long>(), w = j["input"][1].get<long long>();
  if (h < 1 || w < 1 || h > kMaxRfInput || w > kMaxRfInput)
    parser.fail("field 'input'",
                "H and W must be positive integers up to " + std::to_string(kMaxRfInput));
  a.height = int(h), a.width = int(w);
  if (!j.contains("layers")) parser.fail("field 'layers'", "missing");
  a.layers = parser.layers(j["layers"], "layers");
  validateArchitecture(a, source);
  return a;
}

Architecture loadArchitecture(const std::string& nameOrPath) {
  const auto& names = rfPresetNames();
  if (std::find(names.begin(), names.end(), nameOrPath) != names.end()) return rfPreset(nameOrPath);
  return parseArchitecture(readJsonFile(resolveAsset(nameOrPath)), nameOrPath);
}

nlohmann::json architectureJson(const Architecture& a) {
  return {{"name", a.name}, {"input", {a.height, a.width}}, {"layers", layersJson(a.layers)}};
}

void saveArchitecture(const Architecture& a, const std::string& path) {
  validateArchitecture(a);
  writeFileAtomically(path, architectureJson(a).dump(2) + "\n");
}

void validateArchitecture(const Architecture& a, const std::string& source) {
  walkArchitecture(a, source);
}

namespace {
const std::pair<const char*, Architecture (*)()> kPresets[] = {
    {"alexnet", alexnet},          {"vgg16", vgg16},
    {"resnet50", resnet50},        {"mobilenet-v1", mobilenetV1},
    {"unet-encoder", unetEncoder}, {"wavenet", wavenet},
    {"stack3x3", stack3x3}};
}  // namespace

const std::vector<std::string>& rfPresetNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [name, build] : kPresets) n.push_back(name);
    return n;
  }();
  return names;
}

Architecture rfPreset(const std::string& name) {
  for (const auto& [n, build] : kPresets)
    if (name == n) return build();
  std::string list;
  for (const auto& n : rfPresetNames()) list += (list.empty() ? "" : ", ") + n;
  throw InputError("architecture: unknown preset '" + name + "' (presets: " + list +
                   "; or a .json file)");
}

const RfRow* RfTable::find(const std::string& name) const {
  for (const RfRow& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

RfTable receptiveFields(const Architecture& a) {
  return walkArchitecture(a, "architecture '" + a.name + "'");
}

RfBox unitBox(const RfState& s, int row, int col) {
  RfBox b;
  b.centerRow = s.start + double(row) * double(s.jump);
  b.centerCol = s.start + double(col) * double(s.jump);
  const double half = 0.5 * double(s.size - 1);
  b.top = b.centerRow - half, b.bottom = b.centerRow + half;
  b.left = b.centerCol - half, b.right = b.centerCol + half;
  return b;
}

RfWeightFile readRfWeights(const std::string& path, const Architecture& a) {
  const nlohmann::json j = readJsonFile(path);
  if (!j.is_object())
    throw InputError(path + ": expected an object {\"<conv layer>\": [[k taps], ...], ...}");
  std::map<std::string, int> kernels;
  collectConvs(a.layers, kernels);
  RfWeightFile out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string what = path + ": layer '" + it.key() + "'";
    auto k = kernels.find(it.key());
    if (k == kernels.end())
      throw InputError(what + ": not a convolution of architecture '" + a.name + "'");
    const int n = k->second;
    const auto& rows = it.value();
    const std::string shape = std::to_string(n) + " x " + std::to_string(n);
    if (!rows.is_array() || rows.size() != size_t(n))
      throw InputError(what + ": expected " + shape + " taps (an array of " + std::to_string(n) +
                       " rows)");
    std::vector<double> taps;
    for (const auto& r : rows) {
      if (!r.is_array() || r.size() != size_t(n))
        throw InputError(what + ": expected " + shape + " taps (rows of " + std::to_string(n) +
                         " numbers)");
      for (const auto& v : r) {
        if (!v.is_number() || !(std::abs(v.get<double>()) <= limits::kMaxRfTap))
          throw InputError(what + ": taps must be numbers of at most " +
                           formatNumber(limits::kMaxRfTap) + " in absolute value");
        taps.push_back(v.get<double>());
      }
    }
    out[it.key()] = taps;
  }
  return out;
}

double rfWork(const RfProgram& p, int seeds) {
  double perPass = 0.0;
  for (const RfOp& op : p.ops) {
    const RfPlane& out = p.planes[op.out];
    perPass += double(out.height) * out.width * double(op.kernel) * op.kernel;
  }
  return perPass * (p.needsForward ? 2.0 : 1.0) * seeds;
}

RfProgram compileRfProgram(const Architecture& a, const ErfOptions& o) {
  const RfTable table = receptiveFields(a);
  const RfRow* row = table.find(o.layer);
  if (!row) {
    std::string names;
    for (const RfRow& r : table.rows)
      if (r.level == 0) names += (names.empty() ? "" : ", ") + r.name;
    throw InputError("--layer: no layer '" + o.layer + "' in '" + a.name + "' (layers: " + names +
                     ")");
  }
  if (o.seeds < 1 || o.seeds > 1024) throw InputError("--seeds: must be in 1..1024");
  if (!o.image.empty() && o.image.size() != size_t(a.height) * a.width)
    throw InputError("ERF input image: expected " + std::to_string(a.height) + " x " +
                     std::to_string(a.width) + " values");
  RfProgram p;
  Compiler c{o, p};
  c.plane(a.height, a.width);
  c.emit(a.layers, 0);
  const RfPlane& t = p.planes[p.target];
  const int row0 = o.unitRow < 0 ? t.height / 2 : o.unitRow,
            col0 = o.unitCol < 0 ? t.width / 2 : o.unitCol;
  if (row0 >= t.height || col0 >= t.width)
    throw InputError("--unit: " + std::to_string(row0) + "," + std::to_string(col0) +
                     " is outside layer '" + o.layer + "' (" + std::to_string(t.height) + " x " +
                     std::to_string(t.width) + " units)");
  p.unit = row0 * t.width + col0;
  p.box = unitBox(row->out, row0, col0);
  std::vector<bool> reached(p.planes.size(), false);
  reached[p.target] = true;
  for (int i = int(p.ops.size()) - 1; i >= 0; --i) {
    const RfOp& op = p.ops[i];
    if (!reached[op.out]) continue;
    p.backward.push_back({i, bool(reached[op.in]), op.relu && op.out != p.target});
    reached[op.in] = true;
  }
  p.needsForward = p.needsForward || o.relu;
  if (p.planeFloats > (size_t(1) << 25))
    throw InputError("ERF: the stack's planes need " + std::to_string(p.planeFloats >> 18) +
                     " MiB (limit 128 MiB): a smaller input or an earlier layer");
  if (const double work = rfWork(p, o.seeds); work > kMaxRfWork)
    throw InputError("ERF: " + formatNumber(work) + " multiply-adds (" + std::to_string(o.seeds) +
                     " seeds) is above the budget of " + formatNumber(kMaxRfWork) +
                     ": a smaller input, an earlier layer, smaller kernels or fewer seeds");
  if (o.weights == RfWeights::Loaded)
    for (const RfOp& op : p.ops) {
      if (op.kind != RfOp::Conv) continue;
      auto taps = o.loaded.find(op.layer);
      if (taps == o.loaded.end())
        p.defaulted.push_back(op.layer);
      else if (taps->second.size() != size_t(op.kernel) * op.kernel)  // edited since loading
        throw InputError("weights: layer '" + op.layer + "' has " +
                         std::to_string(taps->second.size()) + " taps; its kernel needs " +
                         std::to_string(op.kernel) + " x " + std::to_string(op.kernel));
    }
  return p;
}

std::vector<float> rfSeedWeights(const RfProgram& p, const ErfOptions& o, int seedIndex) {
  std::vector<float> w(std::max(p.weightCount, 1), 0.0f);
  Pcg32 rng(o.seed + uint64_t(seedIndex), 11u);
  for (const RfOp& op : p.ops) {
    if (op.kind != RfOp::Conv) continue;
    const int taps = op.kernel * op.kernel;
    auto loaded = o.loaded.find(op.layer);
    for (int t = 0; t < taps; ++t) {
      float v = 1.0f / float(taps);
      if (o.weights == RfWeights::Random)
        v = float(rng.normal());
      else if (o.weights == RfWeights::Loaded && loaded != o.loaded.end())
        v = float(loaded->second[t]);
      w[op.weightOffset + t] = v;
    }
  }
  return w;
}

std::vector<float> rfSeedInput(const Architecture& a, const ErfOptions& o, int seedIndex) {
  if (!o.image.empty()) {
    // Standardised (zero mean, unit variance), so that ReLUs see both signs.
    double mean = 0.0, var = 0.0;
    for (float v : o.image) mean += v;
    mean /= double(o.image.size());
    for (float v : o.image) var += (v - mean) * (v - mean);
    const double sd = std::sqrt(var / double(o.image.size()));
    std::vector<float> x(o.image.size());
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(sd > 0.0 ? (o.image[i] - mean) / sd : 0.0);
    return x;
  }
  std::vector<float> x(size_t(a.height) * a.width);
  Pcg32 rng(o.seed + uint64_t(seedIndex), 13u);
  for (float& v : x) v = float(rng.normal());
  return x;
}

namespace {

// NumericalError naming the layer and seed when one plane holds a non-finite value.
void requireFinitePlane(const RfProgram& p, int plane, const std::vector<double>& values,
                        const std::string& what, int seed) {
  const RfPlane& pl = p.planes[plane];
  requireFinite(std::span(values).subspan(pl.offset, size_t(pl.height) * pl.width),
                "ERF: the " + what + " (seed " + std::to_string(seed) + ")",
                ": the weights are too large for this depth");
}

}  // namespace

ErfResult effectiveReceptiveFieldCpu(const Architecture& a, const ErfOptions& o) {
  const RfProgram p = compileRfProgram(a, o);
  const auto start = std::chrono::steady_clock::now();
  ErfResult r;
  r.height = a.height, r.width = a.width;
  r.values.assign(size_t(a.height) * a.width, 0.0);
  std::vector<double> act(p.planeFloats, 0.0), grad(p.planeFloats, 0.0);
  std::vector<int> argmax(p.needsForward ? p.planeFloats : 0, -1);
  for (int s = 0; s < o.seeds; ++s) {
    const std::vector<float> w = rfSeedWeights(p, o, s);
    if (p.needsForward) {
      const std::vector<float> x = rfSeedInput(a, o, s);
      std::copy(x.begin(), x.end(), act.begin());
      for (const RfOp& op : p.ops) {
        forwardCpu(p, op, w, act, argmax);
        requireFinitePlane(p, op.out, act, "activations after layer '" + op.layer + "'", s);
      }
    }
    const RfPlane& t = p.planes[p.target];
    std::fill(grad.begin() + t.offset, grad.begin() + t.offset + size_t(t.height) * t.width, 0.0);
    grad[t.offset + p.unit] = 1.0;
    for (const auto& step : p.backward) {
      backwardCpu(p, step, w, act, argmax, grad);
      const RfOp& op = p.ops[step.op];
      requireFinitePlane(p, op.in, grad, "gradient back through layer '" + op.layer + "'", s);
    }
    for (size_t i = 0; i < r.values.size(); ++i) r.values[i] += std::abs(grad[i]) / double(o.seeds);
  }
  r.computeMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  r.box = p.box;
  r.unitRow = p.unit / p.planes[p.target].width, r.unitCol = p.unit % p.planes[p.target].width;
  r.defaulted = p.defaulted;
  return r;
}

ErfStats erfStats(const ErfResult& r) {
  ErfStats s;
  double sr = 0, sc = 0;
  s.supportTop = r.height, s.supportLeft = r.width;
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width; ++x) {
      const double v = r.values[size_t(y) * r.width + x];
      s.mass += v, sr += v * y, sc += v * x;
      if (v > 0.0) {
        s.supportTop = std::min(s.supportTop, y), s.supportBottom = std::max(s.supportBottom, y);
        s.supportLeft = std::min(s.supportLeft, x), s.supportRight = std::max(s.supportRight, x);
      }
    }
  const int top = std::max(0, int(std::ceil(r.box.top))),
            bottom = std::min(r.height - 1, int(std::floor(r.box.bottom))),
            left = std::max(0, int(std::ceil(r.box.left))),
            right = std::min(r.width - 1, int(std::floor(r.box.right)));
  s.boxPixels = std::max(0, bottom - top + 1) * std::max(0, right - left + 1);
  if (!(s.mass > 0.0)) return s;
  s.centerRow = sr / s.mass, s.centerCol = sc / s.mass;
  double vr = 0, vc = 0;
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width; ++x) {
      const double v = r.values[size_t(y) * r.width + x];
      vr += v * (y - s.centerRow) * (y - s.centerRow);
      vc += v * (x - s.centerCol) * (x - s.centerCol);
    }
  s.spread = std::sqrt(0.5 * (vr + vc) / s.mass);
  std::vector<double> sorted(r.values);
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double cum = 0.0;
  for (double v : sorted) {
    cum += v;
    ++s.pixels95;
    if (cum >= 0.95 * s.mass) break;
  }
  s.area95 = s.boxPixels ? double(s.pixels95) / s.boxPixels : 0.0;
  return s;
}

std::vector<RfGrowthPoint> rfGrowth(const Architecture& a, const ErfOptions& o,
                                    const ErfFunction& erf, const GrowthProgress& progress) {
  const RfTable table = receptiveFields(a);
  std::vector<std::pair<const RfRow*, ErfOptions>> layers;
  double work = 0.0;
  for (const RfRow& row : table.rows) {
    if (row.level != 0) continue;
    ErfOptions each = o;
    each.layer = row.name, each.unitRow = -1, each.unitCol = -1;
    work += rfWork(compileRfProgram(a, each), each.seeds);
    layers.emplace_back(&row, each);
  }
  if (work > kMaxRfWork)
    throw InputError("ERF growth: " + formatNumber(work) +
                     " multiply-adds over all layers is above the budget of " +
                     formatNumber(kMaxRfWork) + ": a smaller input or fewer seeds");
  std::vector<RfGrowthPoint> out;
  for (const auto& [row, each] : layers) {
    const ErfStats st = erfStats(erf(a, each));
    out.push_back({row->depth, row->name, row->out.size, st.spread, st.area95});
    if (progress) progress(int(out.size()), int(layers.size()));
  }
  return out;
}

namespace {
GrowthFit fitThroughOrigin(const std::vector<RfGrowthPoint>& g, double (*x)(const RfGrowthPoint&),
                           double (*y)(const RfGrowthPoint&)) {
  GrowthFit f;
  double sxy = 0, sxx = 0, sy = 0, syy = 0;
  for (const auto& p : g) sxy += x(p) * y(p), sxx += x(p) * x(p), sy += y(p), syy += y(p) * y(p);
  if (g.empty() || sxx <= 0.0) return f;
  f.coefficient = sxy / sxx;
  const double mean = sy / double(g.size());
  double ssr = 0, sst = 0;
  for (const auto& p : g) {
    const double e = y(p) - f.coefficient * x(p);
    ssr += e * e, sst += (y(p) - mean) * (y(p) - mean);
  }
  f.r2 = sst > 0.0 ? 1.0 - ssr / sst : 1.0;
  return f;
}
}  // namespace

GrowthFit fitSqrtDepth(const std::vector<RfGrowthPoint>& g) {
  return fitThroughOrigin(
      g, [](const RfGrowthPoint& p) { return std::sqrt(double(p.depth)); },
      [](const RfGrowthPoint& p) { return p.spread; });
}

GrowthFit fitLinearDepth(const std::vector<RfGrowthPoint>& g) {
  return fitThroughOrigin(
      g, [](const RfGrowthPoint& p) { return double(p.depth); },
      [](const RfGrowthPoint& p) { return double(p.size - 1); });
}

std::vector<float> readGrayImage(const std::string& nameOrPath, int height, int width) {
  const GrayPng g = readGrayPng(resolveAsset(nameOrPath));
  if (g.width < 1 || g.height < 1) throw InputError(nameOrPath + ": the image is empty");
  std::vector<float> out(size_t(height) * width);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      // Pixel centres mapped onto pixel centres, bilinear.
      const double sy = std::clamp((y + 0.5) * g.height / height - 0.5, 0.0, g.height - 1.0),
                   sx = std::clamp((x + 0.5) * g.width / width - 0.5, 0.0, g.width - 1.0);
      const int y0 = int(sy), x0 = int(sx), y1 = std::min(y0 + 1, g.height - 1),
                x1 = std::min(x0 + 1, g.width - 1);
      const double fy = sy - y0, fx = sx - x0;
      auto at = [&](int yy, int xx) { return g.pixels[size_t(yy) * g.width + xx] / 255.0; };
      out[size_t(y) * width + x] = float((1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) +
                                         fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1)));
    }
  return out;
}

const std::vector<std::string>& rfImageNames() {
  // The test image, then the density images the datasets ship.
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"assets:images/shapes.png"};
    n.insert(n.end(), shippedImages().begin(), shippedImages().end());
    return n;
  }();
  return names;
}

}  // namespace flowscope
