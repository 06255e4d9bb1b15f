#include "FlowSpec.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <numbers>

#include "EnumNames.h"
#include "Limits.h"
#include "ReferenceMlp.h"
#include "Rng.h"

namespace flowscope {
namespace {

constexpr NamedValue<FlowKind> kKinds[] = {{FlowKind::Nice, "nice"},
                                           {FlowKind::RealNvp, "realnvp"},
                                           {FlowKind::Glow, "glow"},
                                           {FlowKind::Spline, "spline"}};

int conditionerOutputs(const FlowSpec& s, FlowLayerType t) {
  if (t == FlowLayerType::Additive) return 1;
  if (t == FlowLayerType::Affine) return 2;
  return 3 * s.bins - 1;  // widths, heights, inner derivatives
}

MlpSpec conditioner(const FlowSpec& s, FlowLayerType t, size_t index) {
  MlpSpec n;
  n.inputs = 1;
  n.outputs = conditionerOutputs(s, t);
  n.width = s.width;
  n.depth = s.depth;
  n.activation = s.activation;
  n.embedding.kind = EmbeddingKind::None;
  n.embedding.width = 0;
  n.seed = s.seed * 1000003u + index;
  return n;
}

// Glow's mixing starts as a seeded rotation R (an orthogonal W, log|det| 0), written P L U with
// partial pivoting: rows swapped when |cos| < |sin|.
struct MixStart {
  bool swap;
  double l, u, ls0, ls1, sign0, sign1;
};
MixStart mixStart(uint64_t seed, size_t index) {
  Pcg32 rng(seed, 7000u + index);
  const double a = 2.0 * std::numbers::pi * rng.uniform();
  double m00 = std::cos(a), m01 = -std::sin(a), m10 = std::sin(a), m11 = std::cos(a);
  const bool swap = std::abs(m00) < std::abs(m10);
  if (swap) {
    std::swap(m00, m10);
    std::swap(m01, m11);
  }
  const double l = m10 / m00, u11 = m11 - l * m01;
  return {swap,
          l,
          m01,
          std::log(std::abs(m00)),
          std::log(std::abs(u11)),
          m00 < 0 ? -1.0 : 1.0,
          u11 < 0 ? -1.0 : 1.0};
}

void add(FlowLayout& out, FlowLayer layer, size_t count) {
  layer.offset = out.count;
  layer.count = count;
  out.count += count;
  out.layers.push_back(layer);
}

void addCoupling(FlowLayout& out, const FlowSpec& s, FlowLayerType t, int cond) {
  FlowLayer c{t};
  c.cond = cond;
  c.net = conditioner(s, t, out.layers.size());
  add(out, c, layoutOf(c.net).count);
}

}  // namespace

std::string flowKindName(FlowKind k) {
  return nameIn(kKinds, k);
}
FlowKind parseFlowKind(const std::string& name) {
  return parseIn(kKinds, name, "flow");
}
std::string flowKindTitle(FlowKind k) {
  switch (k) {
    case FlowKind::Nice:
      return "NICE (additive coupling)";
    case FlowKind::RealNvp:
      return "RealNVP (affine coupling)";
    case FlowKind::Glow:
      return "Glow (actnorm, LU mixing, affine coupling)";
    default:
      return "neural spline flow (rational-quadratic coupling)";
  }
}

std::string flowLayerName(FlowLayerType t) {
  switch (t) {
    case FlowLayerType::Additive:
      return "additive coupling";
    case FlowLayerType::Affine:
      return "affine coupling";
    case FlowLayerType::Spline:
      return "spline coupling";
    case FlowLayerType::ActNorm:
      return "actnorm";
    case FlowLayerType::Mix:
      return "LU mixing";
    default:
      return "scaling";
  }
}

void validate(const FlowSpec& s) {
  requireInRange("layers", s.layers, 1, 32);
  requireInRange("width", s.width, 16, 512);
  requireInRange("depth", s.depth, 1, 8);
  if (!(s.baseScale > 0.0 && s.baseScale <= 100.0))
    throw InputError("base scale: must be above 0 and at most 100 (got " +
                     formatNumber(s.baseScale) + ")");
  requireInRange("bins", s.bins, 2, 16);
  if (!(s.tailBound > 0.0 && s.tailBound <= 100.0))
    throw InputError("tail bound: must be above 0 and at most 100 (got " +
                     formatNumber(s.tailBound) + ")");
}

nlohmann::json flowSpecJson(const FlowSpec& s) {
  return {{"flow", flowKindName(s.kind)},
          {"layers", s.layers},
          {"width", s.width},
          {"depth", s.depth},
          {"activation", activationName(s.activation)},
          {"base_scale", s.baseScale},
          {"bins", s.bins},
          {"tail_bound", s.tailBound},
          {"seed", s.seed}};
}

FlowSpec flowSpecFromJson(const nlohmann::json& j) {
  FlowSpec s;
  try {
    s.kind = parseFlowKind(j.at("flow").get<std::string>());
    s.layers = j.at("layers").get<int>();
    s.width = j.at("width").get<int>();
    s.depth = j.at("depth").get<int>();
    s.activation = parseActivation(j.at("activation").get<std::string>());
    s.baseScale = j.at("base_scale").get<double>();
    s.bins = j.at("bins").get<int>();
    s.tailBound = j.at("tail_bound").get<double>();
    s.seed = j.at("seed").get<uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("flow specification: ") + e.what());
  }
  validate(s);
  return s;
}

FlowLayout flowLayout(const FlowSpec& s) {
  validate(s);
  FlowLayout out;
  for (int l = 0; l < s.layers; ++l) {
    const int cond = l % 2;
    switch (s.kind) {
      case FlowKind::Nice:
        addCoupling(out, s, FlowLayerType::Additive, cond);
        break;
      case FlowKind::RealNvp:
        addCoupling(out, s, FlowLayerType::Affine, cond);
        break;
      case FlowKind::Spline:
        addCoupling(out, s, FlowLayerType::Spline, cond);
        break;
      case FlowKind::Glow: {
        add(out, FlowLayer{FlowLayerType::ActNorm}, 4);  // b0, b1, log s0, log s1
        FlowLayer mix{FlowLayerType::Mix};
        const MixStart m = mixStart(s.seed, out.layers.size());
        mix.swap = m.swap;
        mix.sign0 = m.sign0;
        mix.sign1 = m.sign1;
        add(out, mix, 4);  // l, u, log s0, log s1
        addCoupling(out, s, FlowLayerType::Affine, cond);
        break;
      }
    }
  }
  if (s.kind == FlowKind::Nice) add(out, FlowLayer{FlowLayerType::Scale}, 2);  // lambda0, lambda1
  return out;
}

std::vector<double> initialFlowParameters(const FlowSpec& s) {
  const FlowLayout layout = flowLayout(s);
  std::vector<double> p(layout.count, 0.0);
  for (size_t i = 0; i < layout.layers.size(); ++i) {
    const FlowLayer& l = layout.layers[i];
    if (l.coupling()) {
      std::vector<double> net = initialParameters(l.net);
      const MlpLayout netLayout = layoutOf(l.net);
      const MlpLayout::Layer& last = netLayout.layers.back();
      std::fill(net.begin() + long(last.weights), net.end(), 0.0);  // W_out, b_out: identity
      std::copy(net.begin(), net.end(), p.begin() + long(l.offset));
    } else if (l.type == FlowLayerType::Mix) {
      const MixStart m = mixStart(s.seed, i);
      p[l.offset] = m.l;
      p[l.offset + 1] = m.u;
      p[l.offset + 2] = m.ls0;
      p[l.offset + 3] = m.ls1;
    }
  }
  return p;
}

}  // namespace flowscope
