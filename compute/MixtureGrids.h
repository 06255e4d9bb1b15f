#pragma once
// Kernels that evaluate the mixture on a regular grid: log p_sigma for the heatmap, and the score
// or denoiser displacement for arrow glyphs. CPU twins first, GPU kernels below.
#include <glm/glm.hpp>

#include <vector>

#include "ComputeKernel.h"
#include "GaussianMixture.h"
#include "View2D.h"

namespace flowscope {

enum class FieldKind : uint32_t { Score = 0, DenoiserDisplacement = 1 };

std::vector<float> logDensityGridCpu(const GaussianMixture& mixture, const GridSpec& grid,
                                     double sigma);
// One (x, y, vx, vy) a node.
std::vector<glm::vec4> fieldGridCpu(const GaussianMixture& mixture, const GridSpec& grid,
                                    double sigma, FieldKind kind);

struct GridPush {
  float origin[2];
  float spacing[2];
  uint32_t nx, ny, componentCount;
  uint32_t mode;  // field kind; unused by log_density.comp
  float sigma;
};
static_assert(sizeof(GridPush) == 36);
// log_density.comp's block has no `mode`: same offsets up to componentCount, then sigma.
struct DensityPush {
  float origin[2];
  float spacing[2];
  uint32_t nx, ny, componentCount;
  float sigma;
};
static_assert(sizeof(DensityPush) == 32);

GridPush makeGridPush(const GridSpec& grid, uint32_t components, FieldKind kind, double sigma);
DensityPush makeDensityPush(const GridSpec& grid, uint32_t components, double sigma);

// Bytes of the field buffer for n nodes: a 16-byte header (max |v| bits) then n vec4.
inline VkDeviceSize fieldBufferBytes(uint32_t nodes) {
  return 16 + 16ull * nodes;
}

class LogDensityKernel {
 public:
  explicit LogDensityKernel(const GpuContext& ctx);
  ComputeKernel& kernel() { return kernel_; }
  VkDescriptorSet bind(const GpuBuffer& mixture, const GpuBuffer& grid);
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const DensityPush& push) const;

 private:
  ComputeKernel kernel_;
};

class FieldGridKernel {
 public:
  explicit FieldGridKernel(const GpuContext& ctx);
  ComputeKernel& kernel() { return kernel_; }
  VkDescriptorSet bind(const GpuBuffer& mixture, const GpuBuffer& field);
  // Clears the max-magnitude header (transfer) and evaluates the grid; `field` must be the buffer
  // bound in `set`.
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const GpuBuffer& field,
              const GridPush& push) const;

 private:
  ComputeKernel kernel_;
};

}  // namespace flowscope
