#include "MixtureGrids.h"

#include "Parallel.h"

namespace flowscope {
namespace {
const uint32_t kDensitySpirv[] =
#include "log_density.comp.spv.inc"
    ;
const uint32_t kFieldSpirv[] =
#include "field_grid.comp.spv.inc"
    ;
}  // namespace

std::vector<float> logDensityGridCpu(const GaussianMixture& mixture, const GridSpec& grid,
                                     double sigma) {
  std::vector<float> out(size_t(grid.nx) * grid.ny);
  parallelFor(
      out.size(),
      [&](size_t i) {
        out[i] = float(mixture.logDensity(grid.node(i % grid.nx, i / grid.nx), sigma));
      },
      1024);
  return out;
}

std::vector<glm::vec4> fieldGridCpu(const GaussianMixture& mixture, const GridSpec& grid,
                                    double sigma, FieldKind kind) {
  std::vector<glm::vec4> out(size_t(grid.nx) * grid.ny);
  for (size_t i = 0; i < out.size(); ++i) {
    glm::dvec2 x = grid.node(i % grid.nx, i / grid.nx);
    auto e = mixture.evaluate(x, sigma);
    glm::dvec2 v = kind == FieldKind::Score ? e.score : e.denoised - x;
    out[i] = glm::vec4(float(x.x), float(x.y), float(v.x), float(v.y));
  }
  return out;
}

GridPush makeGridPush(const GridSpec& grid, uint32_t components, FieldKind kind, double sigma) {
  return {{float(grid.origin.x), float(grid.origin.y)},
          {float(grid.spacing.x), float(grid.spacing.y)},
          grid.nx,
          grid.ny,
          components,
          uint32_t(kind),
          float(sigma)};
}

DensityPush makeDensityPush(const GridSpec& grid, uint32_t components, double sigma) {
  return {{float(grid.origin.x), float(grid.origin.y)},
          {float(grid.spacing.x), float(grid.spacing.y)},
          grid.nx,
          grid.ny,
          components,
          float(sigma)};
}

LogDensityKernel::LogDensityKernel(const GpuContext& ctx)
    : kernel_(ctx, kDensitySpirv, 2, sizeof(DensityPush)) {}

VkDescriptorSet LogDensityKernel::bind(const GpuBuffer& mixture, const GpuBuffer& grid) {
  const GpuBuffer* buffers[] = {&mixture, &grid};
  return kernel_.makeSet(buffers);
}

void LogDensityKernel::record(VkCommandBuffer cmd, VkDescriptorSet set,
                              const DensityPush& push) const {
  kernel_.dispatch(cmd, set, &push, push.nx * push.ny, 64);
}

FieldGridKernel::FieldGridKernel(const GpuContext& ctx)
    : kernel_(ctx, kFieldSpirv, 2, sizeof(GridPush)) {}

VkDescriptorSet FieldGridKernel::bind(const GpuBuffer& mixture, const GpuBuffer& field) {
  const GpuBuffer* buffers[] = {&mixture, &field};
  return kernel_.makeSet(buffers);
}

void FieldGridKernel::record(VkCommandBuffer cmd, VkDescriptorSet set, const GpuBuffer& field,
                             const GridPush& push) const {
  vkCmdFillBuffer(cmd, field.handle(), 0, 16, 0);
  bufferBarrier(cmd, field, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
  kernel_.dispatch(cmd, set, &push, push.nx * push.ny, 64);
}

}  // namespace flowscope
