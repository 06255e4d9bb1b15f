#include "CriticDemo.h"

#include <algorithm>
#include <cmath>

#include "CriticKernel.h"
#include "GpuContext.h"
#include "InputError.h"
#include "Parallel.h"

namespace flowscope {
namespace {

constexpr int kMaxTarget = 100000;

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<glm::dvec2> gridPoints(const View2D& view, int width, int height, int cell,
                                   uint32_t& nx, uint32_t& ny) {
  nx = uint32_t(width / cell + 2);
  ny = uint32_t(height / cell + 2);
  std::vector<glm::dvec2> x(size_t(nx) * ny);
  for (uint32_t row = 0; row < ny; ++row)
    for (uint32_t col = 0; col < nx; ++col)
      x[row * nx + col] =
          view.pixelToWorld({double(col) * cell, double(row) * cell}, width, height);
  return x;
}

void setRange(ScalarGrid& g) {
  if (g.values.empty()) return;
  const auto [lo, hi] = std::minmax_element(g.values.begin(), g.values.end());
  g.lo = *lo;
  g.hi = std::max(*hi, *lo + 1e-6f);
}

}  // namespace

GanSpec GanSettings::defaultGanSpec() {
  GanSpec g;
  g.critic.batch = 128;
  g.critic.depth = 2;
  g.generatorDepth = 2;
  return g;
}

void validate(const CriticSettings& s) {
  validate(s.spec);
  if (s.spec.method == LipschitzMethod::None)
    throw InputError("critic method: clip, gp or sn (a W1 critic must be kept Lipschitz)");
  if (s.steps < 1 || s.steps > kMaxTarget) throw InputError("critic steps: between 1 and 100000");
}

void validate(const GanSettings& s) {
  validate(s.spec);
  if (s.iterations < 1 || s.iterations > kMaxTarget)
    throw InputError("gan iterations: between 1 and 100000");
}

CriticDemo::CriticDemo() = default;
CriticDemo::~CriticDemo() = default;

void CriticDemo::useGpu(const GpuContext* gpu, BackendChoice choice) {
  gpu_.place(gpu, choice);  // the shell names the device every frame: a no-op then
}

void CriticDemo::setBackend(BackendChoice choice) {
  gpu_.place(choice);
}

std::string CriticDemo::fieldBackend() const {
  return gpu_ ? "the critic kernel on " + gpu_.describe() : "CPU, float32 (Eigen)";
}

void CriticDemo::syncCritic(const CriticSettings& s, const Measure& p, const Measure& q) {
  const auto same = [](const Measure& a, const Measure& b) {
    return a.points == b.points && a.weights == b.weights;
  };
  if (critic_ && criticSettings_ == s && same(p, critic_->source()) && same(q, critic_->target()))
    return;
  critic_ = std::make_unique<DualCritic>(s.spec, p, q);
  criticSettings_ = s;
  exact_ = exactTransport(p, q, CostKind::Euclidean);
}

void CriticDemo::syncGan(const GanSettings& s, const Measure& data, GanModes modes) {
  if (ganCurrent(s, data)) return;
  gan_ = std::make_unique<Gan>(s.spec, data, 512, std::move(modes));
  ganSettings_ = s;
}

bool CriticDemo::finished(bool gan) const {
  if (gan) return !gan_ || gan_->iterations() >= ganSettings_->iterations;
  return !critic_ || critic_->steps() >= criticSettings_->steps;
}

bool CriticDemo::advance(bool gan, double budgetMs) {
  const auto t0 = std::chrono::steady_clock::now();
  bool moved = false;
  while (!finished(gan) && (budgetMs <= 0.0 || !moved || msSince(t0) < budgetMs)) {
    if (gan) {  // at most 5 iterations between clock checks in the GUI
      const long left = ganSettings_->iterations - gan_->iterations();
      gan_->iterate(int(budgetMs <= 0.0 ? left : std::min(left, 5L)));
    } else {
      const long left = criticSettings_->steps - critic_->steps();
      critic_->train(int(budgetMs <= 0.0 ? left : std::min(left, 2L)));
    }
    moved = true;
  }
  return moved;
}

double CriticDemo::exactPotential(glm::dvec2 x) const {
  if (!critic_) return NAN;
  const std::vector<glm::dvec2>& y = critic_->target().points;
  if (exact_.v.size() != y.size()) return NAN;  // no exact solution (it did not converge)
  double v = INFINITY;
  for (size_t j = 0; j < y.size(); ++j) v = std::min(v, glm::length(x - y[j]) - exact_.v[j]);
  return v;
}

CriticMlpT<float>::Evaluation CriticDemo::evaluate(const Critic& c,
                                                   std::span<const glm::dvec2> x) const {
  if (!gpu_) return c.evaluate(x);
  return gpu_->evaluate(c.network(), c.weights(), flatPoints<float>(x));
}

CriticField CriticDemo::field(bool gan, const View2D& view, int width, int height,
                              int cellPixels) const {
  CriticField out;
  const Critic* c =
      gan ? (gan_ ? &gan_->critic() : nullptr) : (critic_ ? &critic_->critic() : nullptr);
  if (!c || width <= 0 || height <= 0) return out;
  uint32_t nx = 0, ny = 0;
  const auto x = gridPoints(view, width, height, cellPixels, nx, ny);
  const auto e = evaluate(*c, x);
  out.critic.nx = out.exact.nx = nx;
  out.critic.ny = out.exact.ny = ny;
  out.critic.values = e.values;
  out.gradientNorm.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    out.gradientNorm[i] = std::hypot(e.gradients[2 * i], e.gradients[2 * i + 1]);
  if (!gan && exact_.status == SolveStatus::Converged) {
    out.exact.values.resize(x.size());
    parallelFor(
        ny,
        [&](size_t row) {
          for (uint32_t col = 0; col < nx; ++col)
            out.exact.values[row * nx + col] = float(exactPotential(x[row * nx + col]));
        },
        4);
    // The shift: the critic's mean over the clouds onto phi's (both are defined up to a constant).
    double df = 0.0;
    size_t n = 0;
    for (const Measure* m : {&critic_->source(), &critic_->target()}) {
      const auto f = c->values(m->points);
      for (size_t i = 0; i < f.size(); ++i, ++n) df += exactPotential(m->points[i]) - f[i];
    }
    out.shift = float(df / double(n));
    for (float& v : out.critic.values) v += out.shift;
    setRange(out.exact);
  }
  setRange(out.critic);
  return out;
}

}  // namespace flowscope
