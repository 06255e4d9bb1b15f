#include "GpuModel.h"

#include <cmath>
#include <stdexcept>

#include "Guidance.h"
#include "LearnedModel.h"

namespace flowscope {
namespace {

struct Buffers {
  std::vector<GpuMixtureComponent> comps;
  std::vector<glm::vec2> pts;
};

// Appends a mixture, point cloud or network to the buffers; returns its range (first, count). A
// learned model's first is its first float; its count is left to the caller (the data mixture's).
std::pair<uint32_t, uint32_t> append(Buffers& b, const ExactModel& model) {
  if (const auto* m = dynamic_cast<const GaussianMixture*>(&model)) {
    const auto first = uint32_t(b.comps.size());
    for (const auto& c : m->gpuComponents()) b.comps.push_back(c);
    return {first, uint32_t(m->components().size())};
  }
  if (const auto* e = dynamic_cast<const EmpiricalModel*>(&model)) {
    const auto first = uint32_t(b.pts.size());
    for (const auto& p : e->points()) b.pts.push_back(glm::vec2(p));
    return {first, uint32_t(e->points().size())};
  }
  if (const auto* l = dynamic_cast<const LearnedModel*>(&model)) {
    const auto first = uint32_t(2 * b.pts.size());
    const std::vector<float> f = l->gpuPacking();  // whole vec2s
    for (size_t i = 0; i < f.size(); i += 2) b.pts.push_back({f[i], f[i + 1]});
    return {first, 0u};
  }
  throw std::logic_error("GpuModelData: a guided model of an unknown kind");
}

// The data's own model, unguided.
GpuModelRef appendData(Buffers& b, const Dataset& data) {
  GpuModelRef r;
  if (data.learned) {  // the network's floats, two to a vec2; the mixture for the density
    const auto* m = dynamic_cast<const LearnedModel*>(data.learned.get());
    if (!m) throw std::logic_error("GpuModelData: a learned model that is no LearnedModel");
    r.kind = uint32_t(GpuModel::Learned);
    r.first = append(b, *m).first;
    if (data.mixture) b.comps = data.mixture->gpuComponents();
    r.count = uint32_t(b.comps.size());
  } else if (data.coupling) {  // (bandwidth, 0), then (z_k, y_k) for every pair (model.glsl)
    const CouplingModel& c = *data.coupling;
    r.kind = uint32_t(GpuModel::Coupling);
    b.pts.assign(1, glm::vec2(float(c.bandwidth()), 0.0f));
    for (size_t k = 0; k < c.noise().size(); ++k) {
      b.pts.push_back(glm::vec2(c.noise()[k]));
      b.pts.push_back(glm::vec2(c.data()[k]));
    }
    r.count = uint32_t(c.noise().size());
  } else {
    r.kind = uint32_t(data.mixture ? GpuModel::Mixture : GpuModel::Dataset);
    std::tie(r.first, r.count) = data.mixture ? append(b, *data.mixture) : append(b, *data.points);
  }
  return r;
}

GpuModelRef appendGuided(Buffers& b, const GpuModelRef& data, const GuidedModel& g) {
  GpuModelRef r = data;
  if (data.kind == uint32_t(GpuModel::Learned)) b.pts.clear();  // the two networks replace it
  std::tie(r.first, r.count) = append(b, g.conditional());
  std::tie(r.guideFirst, r.guideCount) = append(b, g.guide());
  if (data.kind == uint32_t(GpuModel::Learned)) r.count = r.guideCount = data.count;
  r.gamma = float(g.spec().scale);
  r.sigmaLo = float(g.spec().sigmaLo);
  r.sigmaHi = std::isinf(g.spec().sigmaHi) ? -1.0f : float(g.spec().sigmaHi);
  return r;
}

}  // namespace

GpuModelData::GpuModelData(const GpuContext& ctx, const Dataset& data) {
  Buffers b;
  dataRef_ = ref_ = appendData(b, data);
  if (data.guided) {
    const auto* g = dynamic_cast<const GuidedModel*>(data.guided.get());
    if (!g) throw std::logic_error("GpuModelData: a guided model that is no GuidedModel");
    ref_ = appendGuided(b, dataRef_, *g);
  }
  if (b.comps.empty()) b.comps.push_back(GpuMixtureComponent{});
  if (b.pts.empty()) b.pts.push_back(glm::vec2(0.0f));
  mixture_ =
      GpuBuffer(ctx, b.comps.size() * sizeof(b.comps[0]), kStorageUsage, MemoryKind::DeviceLocal);
  mixture_.upload(std::span<const GpuMixtureComponent>(b.comps));
  points_ = GpuBuffer(ctx, b.pts.size() * sizeof(b.pts[0]), kStorageUsage, MemoryKind::DeviceLocal);
  points_.upload(std::span<const glm::vec2>(b.pts));
}

}  // namespace flowscope
