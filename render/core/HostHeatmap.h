#pragma once
// A heatmap of host-computed values (ScalarGrid: node (i, j) at pixel (i, j) * cellPixels from
// the content's top-left, row 0 at the top), drawn by heatmap.vert/frag with a named colormap:
// one storage buffer a frame in flight, uploaded once per version of the values.
#include <array>
#include <string>
#include <vector>

#include "GpuBuffer.h"
#include "Pipelines.h"
#include "ScalarGrid.h"
#include "SlotBuffers.h"

namespace flowscope {

class HostHeatmap {
 public:
  static constexpr size_t kCapacity = 65536;  // nodes
  HostHeatmap(const GpuContext& ctx, VkRenderPass pass, uint32_t slots,
              const std::string& colormap);
  ~HostHeatmap();
  HostHeatmap(const HostHeatmap&) = delete;
  // Draws `grid` into the bound viewport (width x height pixels) in frame slot `slot`;
  // `version` changes whenever the values do. A grid above kCapacity nodes is not drawn.
  void draw(VkCommandBuffer cmd, uint32_t slot, const ScalarGrid& grid, uint64_t version,
            float cellPixels, uint32_t width, uint32_t height, float opacity = 1.0f);

 private:
  const GpuContext& ctx_;
  std::vector<std::array<float, 4>> lut_;
  GpuBuffer lutBuffer_;
  GraphicsBindings bindings_;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  SlotBuffers values_;
};

}  // namespace flowscope
