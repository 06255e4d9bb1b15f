#pragma once
// Kernels that evaluate a model of x = s x0 + tau eps on a regular grid: log p(x) for the heatmap,
// and the score grad log p(x) or the denoiser displacement D(x) - x for arrow glyphs. CPU twins
// first, GPU kernels below. Bindings: 0 mixture components, 1 output, 2 dataset points
// (shaders/model.glsl).
#include <glm/glm.hpp>

#include <vector>

#include "ComputeKernel.h"
#include "ExactModel.h"
#include "FieldKind.h"
#include "ShaderLayout.h"
#include "View2D.h"

namespace flowscope {

// Which model.glsl evaluates: 0 a Gaussian mixture, 1 a finite dataset, 2 a flow-matching
// coupling (CouplingModel.h).
enum class GpuModel : uint32_t { Mixture = 0, Dataset = 1, Coupling = 2, Learned = 3 };

// Kernels that include model.glsl come in two builds: the plain one (exact models) and the
// learned one, with model 3's network compiled in (FLOWSCOPE_LEARNED, shaders/CMakeLists.txt),
// whose pipeline takes seconds to create on lavapipe. Throws GpuError when `kernel`, built
// without the learned model, is asked to evaluate one.
void requireModelVariant(uint32_t model, bool learned, const char* kernel);

std::vector<float> logDensityGridCpu(const ExactModel& model, const GridSpec& grid, double s,
                                     double tau);
// One (x, y, vx, vy) a node.
std::vector<glm::vec4> fieldGridCpu(const ExactModel& model, const GridSpec& grid, double s,
                                    double tau, FieldKind kind, bool flow = false);
// The field at one point (what fieldGridCpu evaluates at each node).
glm::dvec2 fieldAt(const ExactModel& model, glm::dvec2 x, double s, double tau, FieldKind kind,
                   bool flow);

struct GridPush {
  float origin[2];
  float spacing[2];
  uint32_t nx, ny, modelCount;
  uint32_t mode;  // field kind
  float s, tau;
  uint32_t model;
};
FLOWSCOPE_SHADER_SIZE(GridPush, 44);  // = field_grid.comp
FLOWSCOPE_SHADER_OFFSET(GridPush, origin, 0);
FLOWSCOPE_SHADER_OFFSET(GridPush, spacing, 8);
FLOWSCOPE_SHADER_OFFSET(GridPush, nx, 16);
FLOWSCOPE_SHADER_OFFSET(GridPush, ny, 20);
FLOWSCOPE_SHADER_OFFSET(GridPush, modelCount, 24);
FLOWSCOPE_SHADER_OFFSET(GridPush, mode, 28);
FLOWSCOPE_SHADER_OFFSET(GridPush, s, 32);
FLOWSCOPE_SHADER_OFFSET(GridPush, tau, 36);
FLOWSCOPE_SHADER_OFFSET(GridPush, model, 40);
// log_density.comp's block has no `mode`.
struct DensityPush {
  float origin[2];
  float spacing[2];
  uint32_t nx, ny, modelCount;
  float s, tau;
  uint32_t model;
};
FLOWSCOPE_SHADER_SIZE(DensityPush, 40);  // = log_density.comp
FLOWSCOPE_SHADER_OFFSET(DensityPush, origin, 0);
FLOWSCOPE_SHADER_OFFSET(DensityPush, spacing, 8);
FLOWSCOPE_SHADER_OFFSET(DensityPush, nx, 16);
FLOWSCOPE_SHADER_OFFSET(DensityPush, ny, 20);
FLOWSCOPE_SHADER_OFFSET(DensityPush, modelCount, 24);
FLOWSCOPE_SHADER_OFFSET(DensityPush, s, 28);
FLOWSCOPE_SHADER_OFFSET(DensityPush, tau, 32);
FLOWSCOPE_SHADER_OFFSET(DensityPush, model, 36);

GridPush makeGridPush(const GridSpec& grid, GpuModel model, uint32_t modelCount, FieldKind kind,
                      double s, double tau, bool flow = false);
DensityPush makeDensityPush(const GridSpec& grid, GpuModel model, uint32_t modelCount, double s,
                            double tau);

// Bytes of the field buffer for n nodes: a 16-byte header (max |v| bits) then n vec4.
inline VkDeviceSize fieldBufferBytes(uint32_t nodes) {
  return 16 + 16ull * nodes;
}

class LogDensityKernel {
 public:
  explicit LogDensityKernel(const GpuContext& ctx);
  ComputeKernel& kernel() { return kernel_; }
  VkDescriptorSet bind(const GpuBuffer& mixture, const GpuBuffer& grid, const GpuBuffer& data);
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const DensityPush& push) const;

 private:
  ComputeKernel kernel_;
};

class FieldGridKernel {
 public:
  // `learned`: the build that can evaluate a learned model (requireModelVariant).
  explicit FieldGridKernel(const GpuContext& ctx, bool learned = false);
  bool learned() const { return learned_; }
  ComputeKernel& kernel() { return kernel_; }
  VkDescriptorSet bind(const GpuBuffer& mixture, const GpuBuffer& field, const GpuBuffer& data);
  // Clears the max-magnitude header (transfer) and evaluates the grid; `field` must be the buffer
  // bound in `set`.
  void record(VkCommandBuffer cmd, VkDescriptorSet set, const GpuBuffer& field,
              const GridPush& push) const;

 private:
  bool learned_;
  ComputeKernel kernel_;
};

}  // namespace flowscope
