#include "GpuModel.h"

namespace flowscope {

GpuModelData::GpuModelData(const GpuContext& ctx, const Dataset& data)
    : kind_(data.mixture ? GpuModel::Mixture : GpuModel::Dataset) {
  std::vector<GpuMixtureComponent> comps(1, GpuMixtureComponent{});
  std::vector<glm::vec2> pts(1, glm::vec2(0.0f));
  if (data.mixture) {
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
