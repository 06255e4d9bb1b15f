#include "SinkhornKernel.h"

#include <cmath>

#include "Limits.h"

namespace flowscope {
namespace {
const uint32_t kSoftmin[] =
#include "sinkhorn_softmin.comp.spv.inc"
    ;
const uint32_t kMarginal[] =
#include "sinkhorn_marginal.comp.spv.inc"
    ;
constexpr uint32_t kSinkhornRows = 16;  // = kRows in shaders/sinkhorn.glsl
constexpr uint32_t kLocalSize = 64;

GpuBuffer uploadPoints(const GpuContext& ctx, const Measure& m) {
  std::vector<glm::vec2> p;
  for (const auto& x : m.points) p.push_back(glm::vec2(x));
  GpuBuffer b(ctx, p.size() * sizeof(glm::vec2), kStorageUsage, MemoryKind::DeviceLocal);
  b.upload(std::span<const glm::vec2>(p));
  return b;
}

GpuBuffer uploadLogWeights(const GpuContext& ctx, const Measure& m) {
  std::vector<float> w;
  for (double v : m.weights) w.push_back(v > 0.0 ? float(std::log(v)) : -INFINITY);
  GpuBuffer b(ctx, w.size() * sizeof(float), kStorageUsage, MemoryKind::DeviceLocal);
  b.upload(std::span<const float>(w));
  return b;
}

GpuBuffer zeros(const GpuContext& ctx, size_t count, size_t bytesEach) {
  std::vector<char> z(count * bytesEach, 0);
  GpuBuffer b(ctx, z.size(), kStorageUsage, MemoryKind::DeviceLocal);
  b.upload(z.data(), z.size());
  return b;
}

}  // namespace

GpuSinkhorn::GpuSinkhorn(const GpuContext& ctx, const Measure& a, const Measure& b, CostKind cost)
    : ctx_(ctx),
      a_(a),
      b_(b),
      cost_(cost),
      n_(uint32_t(a.points.size())),
      m_(uint32_t(b.points.size())),
      x_(uploadPoints(ctx, a)),
      y_(uploadPoints(ctx, b)),
      logA_(uploadLogWeights(ctx, a)),
      logB_(uploadLogWeights(ctx, b)),
      f_(zeros(ctx, n_, sizeof(float))),
      g_(zeros(ctx, m_, sizeof(float))),
      rows_(zeros(ctx, n_, sizeof(glm::vec2))),
      cols_(zeros(ctx, m_, sizeof(glm::vec2))) {
  softmin_ = std::make_unique<ComputeKernel>(ctx, kSoftmin, 5, sizeof(Push), 4);
  marginal_ = std::make_unique<ComputeKernel>(ctx, kMarginal, 7, sizeof(Push), 4);
  const GpuBuffer* f[] = {&x_, &y_, &logB_, &g_, &f_};
  const GpuBuffer* g[] = {&y_, &x_, &logA_, &f_, &g_};
  const GpuBuffer* rows[] = {&x_, &y_, &logB_, &g_, &rows_, &logA_, &f_};
  const GpuBuffer* cols[] = {&y_, &x_, &logA_, &f_, &cols_, &logB_, &g_};
  setF_ = softmin_->makeSet(f);
  setG_ = softmin_->makeSet(g);
  setRows_ = marginal_->makeSet(rows);
  setCols_ = marginal_->makeSet(cols);
}

GpuSinkhorn::~GpuSinkhorn() = default;

void GpuSinkhorn::iterate(VkCommandBuffer cmd, double eps, int count) {
  const Push pf{n_, m_, float(eps), cost_ == CostKind::SqEuclidean ? 0u : 1u};
  const Push pg{m_, n_, float(eps), pf.cost};
  for (int k = 0; k < count; ++k) {
    computeBarrier(cmd);  // the previous half-step wrote what this one reads
    softmin_->dispatch(cmd, setF_, &pf, (n_ + kSinkhornRows - 1) / kSinkhornRows, kLocalSize);
    computeBarrier(cmd);
    softmin_->dispatch(cmd, setG_, &pg, (m_ + kSinkhornRows - 1) / kSinkhornRows, kLocalSize);
  }
}

std::pair<double, double> GpuSinkhorn::errorAndCost(double eps) {
  const Push pr{n_, m_, float(eps), cost_ == CostKind::SqEuclidean ? 0u : 1u};
  const Push pc{m_, n_, float(eps), pr.cost};
  ctx_.submitAndWait([&](VkCommandBuffer cmd) {
    computeBarrier(cmd);
    marginal_->dispatch(cmd, setRows_, &pr, (n_ + kSinkhornRows - 1) / kSinkhornRows, kLocalSize);
    marginal_->dispatch(cmd, setCols_, &pc, (m_ + kSinkhornRows - 1) / kSinkhornRows, kLocalSize);
  });
  auto rows = rows_.read<glm::vec2>(n_), cols = cols_.read<glm::vec2>(m_);
  double err = 0.0, cost = 0.0;
  for (uint32_t i = 0; i < n_; ++i)
    err += std::abs(double(rows[i].x) - a_.weights[i]), cost += rows[i].y;
  for (uint32_t j = 0; j < m_; ++j) err += std::abs(double(cols[j].x) - b_.weights[j]);
  return {err, cost};
}

SinkhornResult GpuSinkhorn::solve(const SinkhornOptions& o) {
  SinkhornResult r;
  StallDetector stall;
  double eps = o.annealing ? std::max(o.epsilon, costBound(a_, b_, cost_)) : o.epsilon;
  for (;;) {
    const bool last = eps <= o.epsilon;
    if (!last) {
      ctx_.submitAndWait([&](VkCommandBuffer cmd) { iterate(cmd, eps, o.annealIterations); });
      r.iterations += o.annealIterations;
      eps = std::max(o.epsilon, eps * kAnnealFactor);
      continue;
    }
    while (r.iterations < o.maxIterations) {
      const int batch = std::min(o.checkEvery, o.maxIterations - r.iterations);
      ctx_.submitAndWait([&](VkCommandBuffer cmd) { iterate(cmd, eps, batch); });
      r.iterations += batch;
      std::tie(r.marginalError, r.cost) = errorAndCost(eps);
      if (!std::isfinite(r.marginalError) || !std::isfinite(r.cost)) {
        r.status = SolveStatus::NumericalFailure;
        r.message =
            "the potentials became non-finite at eps = " + std::to_string(eps) +
            " in float32: increase --epsilon, rescale the points, or use --backend cpu (double)";
        return r;
      }
      if (r.marginalError < o.tolerance) {
        r.status = SolveStatus::Converged;
        break;
      }
      if (o.progress) o.progress(r.iterations, r.marginalError);
      if (stall.observe(r.marginalError, r.iterations)) {
        r.stalled = true;
        r.message = stall.describe(o.tolerance, r.iterations) +
                    ": float32's floor on this device; the CPU backend (double) goes further";
        break;
      }
    }
    break;
  }
  auto f = f_.read<float>(n_), g = g_.read<float>(m_);
  r.f.assign(f.begin(), f.end());
  r.g.assign(g.begin(), g.end());
  if (r.status == SolveStatus::NotConverged && !r.stalled)
    r.message = "marginal error " + formatNumber(r.marginalError) + " after " +
                std::to_string(r.iterations) +
                " iterations is above the tolerance: raise --max-iter, or loosen --tol, or "
                "increase --epsilon";
  return r;
}

}  // namespace flowscope
