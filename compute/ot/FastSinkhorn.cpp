#include "FastSinkhorn.h"

#include <cblas.h>

#include <Eigen/Core>
#include <algorithm>
#include <mutex>
#include <optional>

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

void oneBlasThread() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

}  // namespace

struct FastSinkhorn::State {
  Measure a, b;
  CostKind cost;
  size_t n, m;
  Eigen::ArrayXd by, bx;       // target coordinates, for the exponents
  std::unique_ptr<float[]> k;  // n x m, row-major (not zeroed: the first rebuild writes it)
  std::vector<double> alpha, beta, u, v, rowSums, colSums;
  std::vector<float> scaledIn, productOut;  // sgemv's float vectors
  bool rowSumsValid = false;
  double eps = 0.0;

  State(Measure a_, Measure b_, CostKind c)
      : a(std::move(a_)), b(std::move(b_)), cost(c), n(a.points.size()), m(b.points.size()) {
    bx.resize(Eigen::Index(m));
    by.resize(Eigen::Index(m));
    for (size_t j = 0; j < m; ++j)
      bx[Eigen::Index(j)] = b.points[j].x, by[Eigen::Index(j)] = b.points[j].y;
    k.reset(new float[n * m]);
    alpha.assign(n, 0.0), u.assign(n, 1.0), rowSums.assign(n, 0.0);
    beta.assign(m, 0.0), v.assign(m, 1.0), colSums.assign(m, 0.0);
    scaledIn.resize(std::max(n, m)), productOut.resize(std::max(n, m));
  }

  // Row i's costs C_ij, in double.
  Eigen::ArrayXd costRow(size_t i) const {
    const Eigen::ArrayXd sq = (bx - a.points[i].x).square() + (by - a.points[i].y).square();
    return cost == CostKind::SqEuclidean ? sq : Eigen::ArrayXd(sq.sqrt());
  }

  // K_ij = exp((alpha_i + beta_j - C_ij)/eps): exponents in double, exp in float (vectorised).
  void rebuildKernel() {
    rowSumsValid = false;
    const double inv = 1.0 / eps;
    overBlocks(n, kMinRowsPerBlock, [&](size_t, size_t i0, size_t i1) {
      for (size_t i = i0; i < i1; ++i) {
        float* row = &k[i * m];
        const double xi = a.points[i].x, yi = a.points[i].y, ai = alpha[i];
        for (size_t j = 0; j < m; ++j) {
          const double dx = bx[Eigen::Index(j)] - xi, dy = by[Eigen::Index(j)] - yi;
          const double sq = dx * dx + dy * dy;
          const double c = cost == CostKind::SqEuclidean ? sq : std::sqrt(sq);
          row[j] = float((ai + beta[j] - c) * inv);
        }
        FloatRow r(row, Eigen::Index(m));
        r = r.exp();
      }
    });
  }

  // Absorbs the scalings into the potentials (alpha += eps log u, u = 1; beta likewise).
  void absorbScalings() {
    for (size_t i = 0; i < n; ++i) alpha[i] += eps * std::log(u[i]), u[i] = 1.0;
    for (size_t j = 0; j < m; ++j) beta[j] += eps * std::log(v[j]), v[j] = 1.0;
  }

  // The absorbed kernel at eps / power without exponentials: K_ij <- (u_i K_ij v_j)^power, the
  // same entries as a rebuild up to float rounding. After a column update a_i u_i K_ij v_j <= 1,
  // so the entries stay below n^power: no overflow for any allowed size.
  void rescaleKernel(int power) {
    std::vector<float> uf(n), vf(m);
    for (size_t i = 0; i < n; ++i) uf[i] = float(u[i]);
    for (size_t j = 0; j < m; ++j) vf[j] = float(v[j]);
    absorbScalings();
    eps /= power;
    rowSumsValid = false;
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

  // rowSums = K (b v): one sgemv on each thread's rows.
  void computeRowSums() {
    for (size_t j = 0; j < m; ++j) scaledIn[j] = float(b.weights[j] * v[j]);
    overBlocks(n, kMinRowsPerBlock, [&](size_t, size_t i0, size_t i1) {
      cblas_sgemv(CblasRowMajor, CblasNoTrans, int(i1 - i0), int(m), 1.0f, &k[i0 * m], int(m),
                  scaledIn.data(), 1, 0.0f, &productOut[i0], 1);
    });
    for (size_t i = 0; i < n; ++i) rowSums[i] = productOut[i];
  }

  // colSums = K^T (a u): one transposed sgemv on each thread's columns.
  void computeColSums() {
    for (size_t i = 0; i < n; ++i) scaledIn[i] = float(a.weights[i] * u[i]);
    overBlocks(m, kMinRowsPerBlock, [&](size_t, size_t j0, size_t j1) {
      cblas_sgemv(CblasRowMajor, CblasTrans, int(n), int(j1 - j0), 1.0f, &k[j0], int(m),
                  scaledIn.data(), 1, 0.0f, &productOut[j0], 1);
    });
    for (size_t j = 0; j < m; ++j) colSums[j] = productOut[j];
  }

  static bool invert(const std::vector<double>& sums, std::vector<double>& out) {
    for (size_t i = 0; i < sums.size(); ++i) {
      if (!(sums[i] > 0.0) || !std::isfinite(sums[i])) return false;
      out[i] = 1.0 / sums[i];
    }
    return true;
  }

  bool iterate() {
    if (!rowSumsValid) computeRowSums();
    rowSumsValid = false;
    if (!invert(rowSums, u)) return false;
    computeColSums();
    if (!invert(colSums, v)) return false;
    const auto outside = [](double s) { return s > kAbsorbAbove || s < kAbsorbBelow; };
    if (std::any_of(u.begin(), u.end(), outside) || std::any_of(v.begin(), v.end(), outside))
      rescaleKernel(1);
    return true;
  }

  double rowError() {
    computeRowSums();
    rowSumsValid = true;
    double err = 0.0;
    for (size_t i = 0; i < n; ++i) err += std::abs(a.weights[i] * (u[i] * rowSums[i] - 1.0));
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
      for (size_t i = i0; i < i1; ++i) {
        const Eigen::ArrayXd p =
            a.weights[i] * u[i] *
            Eigen::Map<const Eigen::ArrayXf>(&k[i * m], Eigen::Index(m)).cast<double>() * bv;
        rowErr[t] += std::abs(p.sum() - a.weights[i]);
        total[t] += (p * costRow(i)).sum();
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
  oneBlasThread();
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
  std::optional<std::pair<double, double>> checked;  // (error, cost) of the final state
  while (true) {
    const bool last = s.eps <= o.epsilon;
    for (int it = 1; it <= o.maxIterations; ++it) {
      if (!s.iterate()) {
        s.setEpsilon(s.eps);  // a row or column underflowed: restart it from the potentials
        if (!s.iterate()) return fail("every kernel entry of a row or column underflowed");
      }
      ++r.iterations;
      if (!last && it >= o.annealIterations) break;
      if (!last) continue;
      double err = s.rowError();
      if (!std::isfinite(err)) return fail("the marginal error became non-finite");
      if (o.progress && r.iterations % std::max(1, o.checkEvery) == 0)
        o.progress(r.iterations, err);
      // The float row error is confirmed by both marginals summed in double (with the cost: the
      // result's, as nothing changes after).
      if (err < o.tolerance) {
        checked = s.errorAndCost();
        if ((err = checked->first) < o.tolerance) break;
        checked.reset();
      }
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
    r.message = "marginal error " + formatNumber(r.marginalError) + " after " +
                std::to_string(r.iterations) +
                " iterations is above the tolerance: raise the iteration limit, loosen the "
                "tolerance or increase epsilon";
  }
  return r;
}

}  // namespace flowscope
