#include "FastSinkhorn.h"

#include <sys/mman.h>
#include <Eigen/Core>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <optional>
#include <utility>

#include "FastCpu.h"
#include "InputError.h"
#include "Limits.h"

namespace flowscope {
namespace {

// Scalings are absorbed into the potentials beyond these (float's range is 1e+-38).
constexpr double kAbsorbAbove = 1e15, kAbsorbBelow = 1e-15;
constexpr size_t kMinRowsPerBlock = 64;
// eps-annealing pays for its stages only below this fraction of the cost's range (measured on the
// benchmarks' uniform clouds: at eps = max C / 40 a cold start took 18 iterations, the anneal 32).
// A cold start above it keeps every kernel entry >= exp(-64), inside float's range (exp(-87)).
constexpr double kColdStartRange = 64.0;

using FloatRow = Eigen::Map<Eigen::ArrayXf>;

// The kernel's memory: 2 MiB aligned and marked for transparent huge pages, so that its first
// touch faults 32 times for 64 MiB rather than 16,384 (a fifth of a 4,096^2 solve otherwise).
class HugeFloats {
 public:
  HugeFloats() = default;
  explicit HugeFloats(size_t count) {
    constexpr size_t kHuge = size_t(2) << 20;
    const size_t bytes = (count * sizeof(float) + kHuge - 1) / kHuge * kHuge;
    data_ = static_cast<float*>(std::aligned_alloc(kHuge, bytes));
    if (!data_) throw std::bad_alloc();
    madvise(data_, bytes, MADV_HUGEPAGE);  // advice only: without it, ordinary pages
  }
  HugeFloats(HugeFloats&& o) noexcept : data_(std::exchange(o.data_, nullptr)) {}
  HugeFloats& operator=(HugeFloats&& o) noexcept {
    std::swap(data_, o.data_);
    return *this;
  }
  ~HugeFloats() { std::free(data_); }
  float& operator[](size_t i) { return data_[i]; }
  const float& operator[](size_t i) const { return data_[i]; }

 private:
  float* data_ = nullptr;
};

// Over-relaxation at the target eps (Thibault, Chizat, Dossal & Papadakis 2017, "Overrelaxed
// Sinkhorn-Knopp algorithm"), tuned as successive over-relaxation is (Hageman & Young): the plain
// iteration's linear rate rho, measured on its 2nd to 6th passes, gives the optimal factor
// omega = 2 / (1 + sqrt(1 - rho)) (at most 1.9). A change of omega upsets the error for a few
// passes; from the 5th to the 15th pass after one, the relaxed rate lambda gives the plain rate it
// implies, rho = (lambda + omega - 1)^2 / (lambda omega^2), and omega grows to that rate's optimum
// (the first estimate, made in the transient, is low). No progress from the 5th to the 15th pass
// after a change puts omega back to 1 for good.
class OverRelaxation {
 public:
  static constexpr double kMaxOmega = 1.9;
  static constexpr size_t kSettle = 5, kWindow = 10;  // passes after a change: settling, measuring
  void observe(double& omega, double err) {
    errors_.push_back(err);
    const size_t pass = errors_.size();
    if (failed_ || !(err > 0.0)) return;
    if (pass == 6 && errors_[1] > err) change(omega, optimal(std::pow(err / errors_[1], 0.25)));
    if (omega == 1.0 || pass != changedAt_ + kSettle + kWindow) return;
    if (!(err < errors_[changedAt_ + kSettle - 1])) {
      omega = 1.0, failed_ = true;
      return;
    }
    const double lambda = std::pow(err / errors_[changedAt_ + kSettle - 1], 1.0 / kWindow);
    const double rho = (lambda + omega - 1.0) * (lambda + omega - 1.0) / (lambda * omega * omega);
    change(omega, std::max(omega, optimal(rho)));
  }

 private:
  static double optimal(double rho) {
    return rho > 0.0 && rho < 1.0 ? std::min(kMaxOmega, 2.0 / (1.0 + std::sqrt(1.0 - rho))) : 1.0;
  }
  void change(double& omega, double to) {
    if (to > omega + 0.01) omega = to;
    changedAt_ = errors_.size();  // the next look: kSettle + kWindow passes on, changed or not
  }
  std::vector<double> errors_;
  size_t changedAt_ = 0;
  bool failed_ = false;
};

}  // namespace

struct FastSinkhorn::State {
  Measure a, b;
  CostKind cost;
  size_t n, m;
  Eigen::ArrayXd by, bx;  // target coordinates, for the exponents
  HugeFloats k;           // n x m, row-major (not zeroed: the first rebuild writes it)
  std::vector<double> alpha, beta, u, v;
  std::vector<float> bv, partialCols;  // b v, and each thread's column sums
  double eps = 0.0;
  double omega = 1.0;

  State(Measure a_, Measure b_, CostKind c)
      : a(std::move(a_)), b(std::move(b_)), cost(c), n(a.points.size()), m(b.points.size()) {
    bx.resize(Eigen::Index(m));
    by.resize(Eigen::Index(m));
    for (size_t j = 0; j < m; ++j)
      bx[Eigen::Index(j)] = b.points[j].x, by[Eigen::Index(j)] = b.points[j].y;
    k = HugeFloats(n * m);
    alpha.assign(n, 0.0), u.assign(n, 1.0);
    beta.assign(m, 0.0), v.assign(m, 1.0), bv.resize(m);
  }

  // K_ij = exp((alpha_i + beta_j - C_ij)/eps): exponents in double, exp in float (vectorised).
  void rebuildKernel() {
    const double inv = 1.0 / eps;
    overBlocks(n, kMinRowsPerBlock, [&](size_t, size_t i0, size_t i1) {
      Eigen::ArrayXd c(static_cast<Eigen::Index>(m));
      for (size_t i = i0; i < i1; ++i) {
        costRow(i, c);
        float* row = &k[i * m];
        for (size_t j = 0; j < m; ++j)
          row[j] = float((alpha[i] + beta[j] - c[Eigen::Index(j)]) * inv);
        FloatRow r(row, Eigen::Index(m));
        r = r.exp();
      }
    });
  }

  // Row i's costs C_ij, in double, into `c` (m entries).
  void costRow(size_t i, Eigen::ArrayXd& c) const {
    const double xi = a.points[i].x, yi = a.points[i].y;
    for (size_t j = 0; j < m; ++j) {
      const double dx = bx[Eigen::Index(j)] - xi, dy = by[Eigen::Index(j)] - yi;
      c[Eigen::Index(j)] = dx * dx + dy * dy;
    }
    if (cost == CostKind::Euclidean) c = c.sqrt();
  }

  // Absorbs the scalings into the potentials (alpha += eps log u, u = 1; beta likewise).
  void absorbScalings() {
    for (size_t i = 0; i < n; ++i) alpha[i] += eps * std::log(u[i]), u[i] = 1.0;
    for (size_t j = 0; j < m; ++j) beta[j] += eps * std::log(v[j]), v[j] = 1.0;
  }

  // The absorbed kernel at eps / power without exponentials: K_ij <- (u_i K_ij v_j)^power, the
  // same entries as a rebuild up to float rounding. After a plain column update a_i u_i K_ij v_j
  // <= 1, so the entries stay below n^power: no overflow for any allowed size (the squaring runs
  // between annealing stages; over-relaxation only at the target eps, where power is 1).
  void rescaleKernel(int power) {
    std::vector<float> uf(n), vf(m);
    for (size_t i = 0; i < n; ++i) uf[i] = float(u[i]);
    for (size_t j = 0; j < m; ++j) vf[j] = float(v[j]);
    absorbScalings();
    eps /= power;
    const Eigen::Map<const Eigen::ArrayXf> vRow(vf.data(), Eigen::Index(m));
    overBlocks(n, kMinRowsPerBlock, [&](size_t, size_t i0, size_t i1) {
      for (size_t i = i0; i < i1; ++i) {
        FloatRow r(&k[i * m], Eigen::Index(m));
        r *= uf[i] * vRow;
        if (power == 2) r = r.square();
      }
    });
  }

  // To a new eps: by squaring when it halves (eps-annealing's steps), else (and for the target
  // eps, `exact`) a rebuild from the potentials.
  void setEpsilon(double e, bool exact = true) {
    if (!exact && e == 0.5 * eps) return rescaleKernel(2);
    absorbScalings();
    eps = e;
    rebuildKernel();
  }

  // One Sinkhorn iteration in one pass over K: each row, while in cache, gives its sum
  // K_i (b v) (so u_i = 1 / it) and adds a_i u_i K_i to its thread's column sums (Eigen's
  // vectorised dot and axpy); v = 1 / their total after. Half the memory traffic of two products.
  // With omega > 1 (over-relaxation) each scaling moves omega times its plain step in the log
  // domain: u_i <- u_i (u_i K_i (b v))^-omega, the same fixed point. Returns the marginal error
  // seen on the way: rows of the plan before the pass plus columns after it, or NaN when a row or
  // column sum is 0 or not finite (an underflowed kernel).
  double iterate() {
    for (size_t j = 0; j < m; ++j) bv[j] = float(b.weights[j] * v[j]);
    const size_t threads = fastCpuThreads();
    partialCols.resize(threads * m);
    std::vector<double> errors(threads, 0.0);
    std::vector<char> bad(threads, 0);
    const Eigen::Map<const Eigen::VectorXf> bvRow(bv.data(), Eigen::Index(m));
    overBlocks(n, kMinRowsPerBlock, [&](size_t t, size_t i0, size_t i1) {
      Eigen::Map<Eigen::VectorXf> cols(&partialCols[t * m], Eigen::Index(m));
      cols.setZero();
      for (size_t i = i0; i < i1; ++i) {
        const Eigen::Map<const Eigen::VectorXf> row(&k[i * m], Eigen::Index(m));
        const double sum = row.dot(bvRow);
        errors[t] += a.weights[i] * std::abs(u[i] * sum - 1.0);
        if (!(sum > 0.0) || !std::isfinite(sum)) {  // u_i kept: the caller rebuilds
          bad[t] = 1;
          continue;
        }
        u[i] = omega == 1.0 ? 1.0 / sum : u[i] * std::pow(u[i] * sum, -omega);
        cols.noalias() += float(a.weights[i] * u[i]) * row;  // the row still in cache
      }
    });
    if (std::any_of(bad.begin(), bad.end(), [](char c) { return c != 0; })) return NAN;
    for (size_t j = 0; j < m; ++j) {
      double sum = 0.0;
      for (size_t t = 0; t < threads; ++t) sum += partialCols[t * m + j];
      if (!(sum > 0.0) || !std::isfinite(sum)) return NAN;
      // The column marginal after this update: b_j v_new_j sum = b_j (v_j sum)^(1 - omega).
      errors[0] += b.weights[j] * std::abs(std::pow(v[j] * sum, 1.0 - omega) - 1.0);
      v[j] = omega == 1.0 ? 1.0 / sum : v[j] * std::pow(v[j] * sum, -omega);
    }
    const auto outside = [](double x) { return x > kAbsorbAbove || x < kAbsorbBelow; };
    if (std::any_of(u.begin(), u.end(), outside) || std::any_of(v.begin(), v.end(), outside))
      rescaleKernel(1);
    double err = 0.0;
    for (double e : errors) err += e;
    return err;
  }

  // |P1 - a|_1 + |P^T 1 - b|_1 and <P, C>, summed in double from the float kernel.
  std::pair<double, double> errorAndCost() const {
    const size_t threads = fastCpuThreads();
    std::vector<Eigen::ArrayXd> cols(threads, Eigen::ArrayXd::Zero(Eigen::Index(m)));
    std::vector<double> rowErr(threads, 0.0), total(threads, 0.0);
    Eigen::ArrayXd bv(static_cast<Eigen::Index>(m));
    for (size_t j = 0; j < m; ++j) bv[Eigen::Index(j)] = b.weights[j] * v[j];
    overBlocks(n, kMinRowsPerBlock, [&](size_t t, size_t i0, size_t i1) {
      Eigen::ArrayXd p(static_cast<Eigen::Index>(m)), c(static_cast<Eigen::Index>(m));
      for (size_t i = i0; i < i1; ++i) {
        p = (a.weights[i] * u[i]) *
            Eigen::Map<const Eigen::ArrayXf>(&k[i * m], Eigen::Index(m)).cast<double>() * bv;
        rowErr[t] += std::abs(p.sum() - a.weights[i]);
        costRow(i, c);
        total[t] += (p * c).sum();
        cols[t] += p;
      }
    });
    Eigen::ArrayXd colSum = Eigen::ArrayXd::Zero(Eigen::Index(m));
    double err = 0.0, c = 0.0;
    for (size_t t = 0; t < threads; ++t) colSum += cols[t], err += rowErr[t], c += total[t];
    for (size_t j = 0; j < m; ++j) err += std::abs(colSum[Eigen::Index(j)] - b.weights[j]);
    return {err, c};
  }

  std::vector<double> potential(const std::vector<double>& base,
                                const std::vector<double>& scaling) const {
    std::vector<double> out(base.size());
    for (size_t i = 0; i < base.size(); ++i) out[i] = base[i] + eps * std::log(scaling[i]);
    return out;
  }
};

FastSinkhorn::FastSinkhorn(Measure a, Measure b, CostKind cost) {
  const size_t n = a.points.size(), m = b.points.size();
  if (n == 0 || m == 0) throw InputError("transport: both measures need at least one point");
  if (n * m > kMaxEntries)
    throw InputError("transport: " + std::to_string(n) + " x " + std::to_string(m) +
                     " points exceed the fast solver's " + std::to_string(kMaxEntries) +
                     " kernel entries");
  s_ = std::make_unique<State>(std::move(a), std::move(b), cost);
}

FastSinkhorn::~FastSinkhorn() = default;

SinkhornResult FastSinkhorn::solve(const SinkhornOptions& o) {
  if (!(o.epsilon > 0.0) || !std::isfinite(o.epsilon))
    throw InputError("epsilon: must be a positive number");
  State& s = *s_;
  SinkhornResult r;
  std::fill(s.alpha.begin(), s.alpha.end(), 0.0), std::fill(s.u.begin(), s.u.end(), 1.0);
  std::fill(s.beta.begin(), s.beta.end(), 0.0), std::fill(s.v.begin(), s.v.end(), 1.0);
  const double bound = costBound(s.a, s.b, s.cost);
  s.eps = o.annealing && o.epsilon * kColdStartRange < bound ? bound : o.epsilon;
  s.rebuildKernel();
  const auto fail = [&](const std::string& why) {
    r.status = SolveStatus::NumericalFailure;
    r.message = why + " at eps = " + formatNumber(s.eps) +
                ": increase epsilon, or turn annealing on, or rescale the points";
    r.f = s.potential(s.alpha, s.u), r.g = s.potential(s.beta, s.v);
    return r;
  };
  StallDetector stall;
  OverRelaxation relax;
  std::optional<std::pair<double, double>> checked;  // (error, cost) of the final state
  while (true) {
    const bool last = s.eps <= o.epsilon;
    for (int it = 1; it <= o.maxIterations; ++it) {
      double err = s.iterate();  // the row error of the plan before this pass
      if (std::isnan(err)) {
        s.setEpsilon(s.eps);  // a row or column underflowed: restart it from the potentials
        if (std::isnan(err = s.iterate()))
          return fail("every kernel entry of a row or column underflowed");
      }
      ++r.iterations;
      if (!last && it >= o.annealIterations) break;
      if (!last) continue;
      if (!std::isfinite(err)) return fail("the marginal error became non-finite");
      if (o.progress && r.iterations % std::max(1, o.checkEvery) == 0)
        o.progress(r.iterations, err);
      // Below the tolerance before the pass, the state after it is confirmed by both marginals
      // summed in double (with the cost: the result's, as nothing changes after).
      if (err < o.tolerance) {
        checked = s.errorAndCost();
        if ((err = checked->first) < o.tolerance) break;
        checked.reset();
      }
      relax.observe(s.omega, err);
      if (stall.observe(err, r.iterations)) {
        r.stalled = true;
        break;
      }
    }
    if (last) break;
    const double next = std::max(o.epsilon, s.eps * kAnnealFactor);
    s.setEpsilon(next, next <= o.epsilon);
  }
  r.f = s.potential(s.alpha, s.u);
  r.g = s.potential(s.beta, s.v);
  std::tie(r.marginalError, r.cost) = checked ? *checked : s.errorAndCost();
  if (!std::isfinite(r.marginalError) || !std::isfinite(r.cost))
    return fail("the plan became non-finite");
  if (r.marginalError < o.tolerance) {
    r.status = SolveStatus::Converged;
  } else if (r.stalled) {
    r.message = stall.describe(o.tolerance, r.iterations) +
                ": loosen the tolerance or increase epsilon (float32 kernel; --backend reference "
                "solves in double)";
  } else {
    r.message = StallDetector::iterationLimit(r.marginalError, r.iterations);
  }
  return r;
}

}  // namespace flowscope
