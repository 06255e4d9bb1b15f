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

// What a kernel evaluates (ModelRef in shaders/diffusion/model.glsl): model `kind` over its
// buffer range (first, count), guided by the range (guideFirst, guideCount) with
// D = D_g + gamma (D_c - D_g) for sigma = tau / s in [sigmaLo, sigmaHi] (sigmaHi < 0: unbounded);
// gamma = 1: unguided. GpuModelData (GpuModel.h) fills it.
struct GpuModelRef {
  uint32_t kind = 0, first = 0, count = 0, guideFirst = 0, guideCount = 0;
  float gamma = 1.0f, sigmaLo = 0.0f, sigmaHi = -1.0f;
};
FLOWSCOPE_SHADER_SIZE(GpuModelRef, 32);  // = ModelRef in model.glsl (std430)
FLOWSCOPE_SHADER_OFFSET(GpuModelRef, guideFirst, 12);
FLOWSCOPE_SHADER_OFFSET(GpuModelRef, gamma, 20);
FLOWSCOPE_SHADER_OFFSET(GpuModelRef, sigmaHi, 28);

struct GridPush {
  float origin[2];
  float spacing[2];
  uint32_t nx, ny;
  uint32_t mode;  // field kind
  float s, tau;
  GpuModelRef model;
};
FLOWSCOPE_SHADER_SIZE(GridPush, 68);  // = field_grid.comp
FLOWSCOPE_SHADER_OFFSET(GridPush, origin, 0);
FLOWSCOPE_SHADER_OFFSET(GridPush, spacing, 8);
FLOWSCOPE_SHADER_OFFSET(GridPush, nx, 16);
FLOWSCOPE_SHADER_OFFSET(GridPush, ny, 20);
FLOWSCOPE_SHADER_OFFSET(GridPush, mode, 24);
FLOWSCOPE_SHADER_OFFSET(GridPush, s, 28);
FLOWSCOPE_SHADER_OFFSET(GridPush, tau, 32);
FLOWSCOPE_SHADER_OFFSET(GridPush, model, 36);
// log_density.comp's block has no `mode`.
struct DensityPush {
  float origin[2];
  float spacing[2];
  uint32_t nx, ny;
  float s, tau;
  GpuModelRef model;
};
FLOWSCOPE_SHADER_SIZE(DensityPush, 64);  // = log_density.comp
FLOWSCOPE_SHADER_OFFSET(DensityPush, origin, 0);
FLOWSCOPE_SHADER_OFFSET(DensityPush, spacing, 8);
FLOWSCOPE_SHADER_OFFSET(DensityPush, nx, 16);
FLOWSCOPE_SHADER_OFFSET(DensityPush, ny, 20);
FLOWSCOPE_SHADER_OFFSET(DensityPush, s, 24);
FLOWSCOPE_SHADER_OFFSET(DensityPush, tau, 28);
FLOWSCOPE_SHADER_OFFSET(DensityPush, model, 32);

GridPush makeGridPush(const GridSpec& grid, const GpuModelRef& model, FieldKind kind, double s,
                      double tau, bool flow = false);
DensityPush makeDensityPush(const GridSpec& grid, const GpuModelRef& model, double s, double tau);

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
