#include "GpuModel.h"

#include <cstring>
#include <stdexcept>

#include "LearnedModel.h"

namespace flowscope {

GpuModelData::GpuModelData(const GpuContext& ctx, const Dataset& data)
    : kind_(data.learned    ? GpuModel::Learned
            : data.coupling ? GpuModel::Coupling
            : data.mixture  ? GpuModel::Mixture
                            : GpuModel::Dataset) {
  std::vector<GpuMixtureComponent> comps(1, GpuMixtureComponent{});
  std::vector<glm::vec2> pts(1, glm::vec2(0.0f));
  if (data.learned) {  // the network's floats, two to a vec2; the mixture for the density
    const auto* m = dynamic_cast<const LearnedModel*>(data.learned.get());
    if (!m) throw std::logic_error("GpuModelData: a learned model that is no LearnedModel");
    const std::vector<float> f = m->gpuPacking();
    pts.resize(f.size() / 2);
    std::memcpy(pts.data(), f.data(), f.size() * sizeof(float));
    if (data.mixture) comps = data.mixture->gpuComponents();
    count_ = data.mixture ? uint32_t(comps.size()) : 0u;
  } else if (data.coupling) {  // (bandwidth, 0), then (z_k, y_k) for every pair (model.glsl)
    const CouplingModel& c = *data.coupling;
    pts.assign(1, glm::vec2(float(c.bandwidth()), 0.0f));
    for (size_t k = 0; k < c.noise().size(); ++k) {
      pts.push_back(glm::vec2(c.noise()[k]));
      pts.push_back(glm::vec2(c.data()[k]));
    }
    count_ = uint32_t(c.noise().size());
  } else if (data.mixture) {
    comps = data.mixture->gpuComponents();
    count_ = uint32_t(comps.size());
  } else {
    pts.clear();
    for (const auto& p : data.points->points()) pts.push_back(glm::vec2(p));
    count_ = uint32_t(pts.size());
  }
  mixture_ =
      GpuBuffer(ctx, comps.size() * sizeof(comps[0]), kStorageUsage, MemoryKind::DeviceLocal);
  mixture_.upload(std::span<const GpuMixtureComponent>(comps));
  points_ = GpuBuffer(ctx, pts.size() * sizeof(pts[0]), kStorageUsage, MemoryKind::DeviceLocal);
  points_.upload(std::span<const glm::vec2>(pts));
}

}  // namespace flowscope
