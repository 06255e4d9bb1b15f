#include "MixtureGrids.h"

#include <algorithm>
#include <string>

#include "Parallel.h"

namespace flowscope {
namespace {
const uint32_t kDensitySpirv[] =
#include "log_density.comp.spv.inc"
    ;
const uint32_t kFieldSpirv[] =
#include "field_grid.comp.spv.inc"
    ;
const uint32_t kFieldLearnedSpirv[] =
#include "field_grid.comp.learned.spv.inc"
    ;
constexpr uint32_t kLocalSize = 64;
// Dataset models evaluate kQueriesPerInvocation nodes an invocation (kQueries in
// shaders/model.glsl): each data point is loaded once for all of them. 16 balances a CPU driver
// (fewer loads) against a real GPU (enough invocations to fill it).
constexpr uint32_t kQueriesPerInvocation = 16;
uint32_t invocations(uint32_t nodes, uint32_t model) {
  return model == uint32_t(GpuModel::Dataset)
             ? (nodes + kQueriesPerInvocation - 1) / kQueriesPerInvocation
             : nodes;
}
}  // namespace

std::vector<float> logDensityGridCpu(const ExactModel& model, const GridSpec& grid, double s,
                                     double tau) {
  std::vector<float> out(size_t(grid.nx) * grid.ny);
  parallelFor(
      out.size(),
      [&](size_t i) {
        out[i] = float(model.evaluate(grid.node(i % grid.nx, i / grid.nx), s, tau).logp);
      },
      1024);
  return out;
}

glm::dvec2 fieldAt(const ExactModel& model, glm::dvec2 x, double s, double tau, FieldKind kind,
                   bool flow) {
  auto e = model.evaluate(x, s, tau);
  const glm::dvec2 eps = (x - s * e.denoised) / std::max(tau, 1e-300);
  switch (FieldKind(fieldMode(kind, flow))) {
    case FieldKind::Score:
      return e.score;
    case FieldKind::DenoiserDisplacement:
      return e.denoised - x;
    case FieldKind::Eps:
      return eps;
    case FieldKind::Velocity:
      return eps - e.denoised;
  }
  return e.score;
}

std::vector<glm::vec4> fieldGridCpu(const ExactModel& model, const GridSpec& grid, double s,
                                    double tau, FieldKind kind, bool flow) {
  std::vector<glm::vec4> out(size_t(grid.nx) * grid.ny);
  for (size_t i = 0; i < out.size(); ++i) {
    glm::dvec2 x = grid.node(i % grid.nx, i / grid.nx);
    glm::dvec2 v = fieldAt(model, x, s, tau, kind, flow);
    out[i] = glm::vec4(float(x.x), float(x.y), float(v.x), float(v.y));
  }
  return out;
}

GridPush makeGridPush(const GridSpec& grid, const GpuModelRef& model, FieldKind kind, double s,
                      double tau, bool flow) {
  return {{float(grid.origin.x), float(grid.origin.y)},
          {float(grid.spacing.x), float(grid.spacing.y)},
          grid.nx,
          grid.ny,
          fieldMode(kind, flow),
          float(s),
          float(tau),
          model};
}

DensityPush makeDensityPush(const GridSpec& grid, const GpuModelRef& model, double s, double tau) {
  return {{float(grid.origin.x), float(grid.origin.y)},
          {float(grid.spacing.x), float(grid.spacing.y)},
          grid.nx,
          grid.ny,
          float(s),
          float(tau),
          model};
}

LogDensityKernel::LogDensityKernel(const GpuContext& ctx)
    : kernel_(ctx, kDensitySpirv, 3, sizeof(DensityPush)) {}

VkDescriptorSet LogDensityKernel::bind(const GpuBuffer& mixture, const GpuBuffer& grid,
                                       const GpuBuffer& data) {
  const GpuBuffer* buffers[] = {&mixture, &grid, &data};
  return kernel_.makeSet(buffers);
}

void LogDensityKernel::record(VkCommandBuffer cmd, VkDescriptorSet set,
                              const DensityPush& push) const {
  kernel_.dispatch(cmd, set, &push, invocations(push.nx * push.ny, push.model.kind), kLocalSize);
}

void requireModelVariant(uint32_t model, bool learned, const char* kernel) {
  if (model == uint32_t(GpuModel::Learned) && !learned)
    throw GpuError(std::string(kernel) + ": a learned model needs the kernel built with it");
}

FieldGridKernel::FieldGridKernel(const GpuContext& ctx, bool learned)
    : learned_(learned),
      kernel_(ctx, learned ? std::span<const uint32_t>(kFieldLearnedSpirv) : kFieldSpirv, 3,
              sizeof(GridPush)) {}

VkDescriptorSet FieldGridKernel::bind(const GpuBuffer& mixture, const GpuBuffer& field,
                                      const GpuBuffer& data) {
  const GpuBuffer* buffers[] = {&mixture, &field, &data};
  return kernel_.makeSet(buffers);
}

void FieldGridKernel::record(VkCommandBuffer cmd, VkDescriptorSet set, const GpuBuffer& field,
                             const GridPush& push) const {
  requireModelVariant(push.model.kind, learned_, "FieldGridKernel");
  vkCmdFillBuffer(cmd, field.handle(), 0, 16, 0);
  bufferBarrier(cmd, field, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
  kernel_.dispatch(cmd, set, &push, invocations(push.nx * push.ny, push.model.kind), kLocalSize);
}

}  // namespace flowscope
