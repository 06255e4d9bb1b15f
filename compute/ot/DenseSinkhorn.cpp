#include "DenseSinkhorn.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

#include "BackgroundJob.h"
#include "InputError.h"
#include "Limits.h"
#include "Parallel.h"

namespace flowscope {
namespace {

constexpr double kAbsorbAbove = 1e100, kAbsorbBelow = 1e-100;

// fn(begin, end) on one contiguous block of [0, n) per hardware thread.
template <typename Fn>
void forBlocks(size_t n, Fn&& fn) {
  size_t threads = std::max<size_t>(1, std::thread::hardware_concurrency());
  if (n < 128) threads = 1;
  parallelFor(
      threads, [&](size_t t) { fn(n * t / threads, n * (t + 1) / threads); }, 1);
}

// -eps log sum_k w_k exp((h_k - c_k)/eps), streamed (one log-sum-exp).
template <typename CostAt>
double softmin(size_t count, const std::vector<double>& w, const std::vector<double>& h,
               CostAt costAt, double eps) {
  LogSumExp lse;
  for (size_t k = 0; k < count; ++k)
    if (w[k] != 0.0) lse.add(std::log(w[k]) + (h[k] - costAt(k)) / eps);
  return -eps * lse.value();
}

}  // namespace

DenseSinkhorn::DenseSinkhorn(Measure a, Measure b, CostKind cost)
    : a_(std::move(a)), b_(std::move(b)), cost_(cost), n_(a_.points.size()), m_(b_.points.size()) {
  if (n_ == 0 || m_ == 0) throw InputError("transport: both measures need at least one point");
  if (n_ * m_ > kMaxEntries)
    throw InputError("transport: " + std::to_string(n_) + " x " + std::to_string(m_) +
                     " points exceed the interactive solver's " + std::to_string(kMaxEntries) +
                     " kernel entries; use flowscope-cli ot for larger problems");
  c_.resize(n_ * m_);
  forBlocks(n_, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i)
      for (size_t j = 0; j < m_; ++j) c_[i * m_ + j] = costOf(cost_, a_.points[i], b_.points[j]);
  });
  k_.assign(n_ * m_, 0.0);
  alpha_.assign(n_, 0.0);
  beta_.assign(m_, 0.0);
  u_.assign(n_, 1.0);
  v_.assign(m_, 1.0);
  rowSums_.assign(n_, 0.0);
  colSums_.assign(m_, 0.0);
}

// Every change of K makes the stored row sums stale.
void DenseSinkhorn::rebuildKernel() {
  rowSumsValid_ = false;
  forBlocks(n_, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i)
      for (size_t j = 0; j < m_; ++j)
        k_[i * m_ + j] = std::exp((alpha_[i] + beta_[j] - c_[i * m_ + j]) / eps_);
  });
}

void DenseSinkhorn::rebuildRow(size_t i) {
  rowSumsValid_ = false;
  for (size_t j = 0; j < m_; ++j)
    k_[i * m_ + j] = std::exp((alpha_[i] + beta_[j] - c_[i * m_ + j]) / eps_);
}

void DenseSinkhorn::rebuildColumn(size_t j) {
  rowSumsValid_ = false;
  for (size_t i = 0; i < n_; ++i)
    k_[i * m_ + j] = std::exp((alpha_[i] + beta_[j] - c_[i * m_ + j]) / eps_);
}

void DenseSinkhorn::absorb() {
  setEpsilon(eps_);
}

void DenseSinkhorn::setEpsilon(double eps) {
  for (size_t i = 0; i < n_; ++i) alpha_[i] += eps_ * std::log(u_[i]), u_[i] = 1.0;
  for (size_t j = 0; j < m_; ++j) beta_[j] += eps_ * std::log(v_[j]), v_[j] = 1.0;
  eps_ = eps;
  rebuildKernel();
}

void DenseSinkhorn::computeRowSums() {
  forBlocks(n_, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i) {
      const double* row = &k_[i * m_];
      double s = 0.0;
      for (size_t j = 0; j < m_; ++j) s += row[j] * b_.weights[j] * v_[j];
      rowSums_[i] = s;
    }
  });
}

std::vector<double> DenseSinkhorn::f() const {
  std::vector<double> f(n_);
  for (size_t i = 0; i < n_; ++i) f[i] = alpha_[i] + eps_ * std::log(u_[i]);
  return f;
}

std::vector<double> DenseSinkhorn::g() const {
  std::vector<double> g(m_);
  for (size_t j = 0; j < m_; ++j) g[j] = beta_[j] + eps_ * std::log(v_[j]);
  return g;
}

void DenseSinkhorn::movePoint(bool target, size_t index, glm::dvec2 p) {
  if (index >= (target ? m_ : n_)) throw InputError("transport: no point " + std::to_string(index));
  (target ? b_ : a_).points[index] = p;
  if (!target) {
    for (size_t j = 0; j < m_; ++j) c_[index * m_ + j] = costOf(cost_, p, b_.points[j]);
  } else {
    for (size_t i = 0; i < n_; ++i) c_[i * m_ + index] = costOf(cost_, a_.points[i], p);
  }
  if (eps_ == 0.0) return;  // never solved: nothing to keep consistent
  // The moved point's potential becomes the exact c-transform of the other side's, so its new
  // kernel row (column) is bounded by the other side's weights: no overflow, a warm restart.
  if (!target) {
    const std::vector<double> g = this->g();
    alpha_[index] = softmin(
        m_, b_.weights, g, [&](size_t j) { return c_[index * m_ + j]; }, eps_);
    u_[index] = 1.0;
    rebuildRow(index);
  } else {
    const std::vector<double> f = this->f();
    beta_[index] = softmin(
        n_, a_.weights, f, [&](size_t i) { return c_[i * m_ + index]; }, eps_);
    v_[index] = 1.0;
    rebuildColumn(index);
  }
}

bool DenseSinkhorn::iterate() {
  const std::vector<double>& a = a_.weights;
  if (!rowSumsValid_) computeRowSums();
  rowSumsValid_ = false;  // v changes below
  for (size_t i = 0; i < n_; ++i) {
    if (!(rowSums_[i] > 0.0) || !std::isfinite(rowSums_[i])) return false;
    u_[i] = 1.0 / rowSums_[i];
  }
  forBlocks(m_, [&](size_t j0, size_t j1) {
    std::fill(colSums_.begin() + j0, colSums_.begin() + j1, 0.0);
    for (size_t i = 0; i < n_; ++i) {
      const double w = a[i] * u_[i];
      const double* row = &k_[i * m_];
      for (size_t j = j0; j < j1; ++j) colSums_[j] += row[j] * w;
    }
  });
  for (size_t j = 0; j < m_; ++j) {
    if (!(colSums_[j] > 0.0) || !std::isfinite(colSums_[j])) return false;
    v_[j] = 1.0 / colSums_[j];
  }
  const auto outside = [](double s) { return s > kAbsorbAbove || s < kAbsorbBelow; };
  if (std::any_of(u_.begin(), u_.end(), outside) || std::any_of(v_.begin(), v_.end(), outside))
    absorb();
  return true;
}

double DenseSinkhorn::rowError() {
  computeRowSums();
  rowSumsValid_ = true;  // the next iterate() starts from them
  double err = 0.0;
  for (size_t i = 0; i < n_; ++i)
    err += std::abs(a_.weights[i] * u_[i] * rowSums_[i] - a_.weights[i]);
  return err;
}

namespace {

// Where a solve is, for a monitor: the fraction done is half the annealing (eps from its start to
// the target, on a log scale) and half the error's way from its first value at the target eps to
// the tolerance (log scale); without annealing, the error's alone.
class SolveProgress {
 public:
  SolveProgress(double epsStart, double epsTarget, double tolerance)
      : epsStart_(epsStart), epsTarget_(epsTarget), tolerance_(tolerance) {}
  // Writes the state into the monitor; true when it asks the solve to stop.
  bool report(JobMonitor& m, int iterations, double eps, double error) {
    if (std::isfinite(error) && !std::isfinite(firstError_)) firstError_ = error;
    m.iterations = iterations;
    m.epsilon = eps;
    m.error = error;
    m.fraction = fraction(eps, error);
    return m.stop;
  }

 private:
  double fraction(double eps, double error) const {
    const auto part = [](double num, double den) {
      return den > 0.0 ? std::clamp(num / den, 0.0, 1.0) : 1.0;
    };
    const double errorPart =
        std::isfinite(firstError_) && std::isfinite(error)
            ? part(std::log(firstError_ / error), std::log(firstError_ / tolerance_))
            : 0.0;
    if (!(epsStart_ > epsTarget_)) return errorPart;
    return 0.5 * part(std::log(epsStart_ / eps), std::log(epsStart_ / epsTarget_)) +
           0.5 * errorPart;
  }
  double epsStart_, epsTarget_, tolerance_;
  double firstError_ = INFINITY;
};

}  // namespace

SinkhornResult DenseSinkhorn::solve(const SinkhornOptions& o, bool warm,
                                    std::vector<SinkhornRecord>* history) {
  SinkhornResult r;
  if (!(o.epsilon > 0.0) || !std::isfinite(o.epsilon))
    throw InputError("epsilon: must be a positive number");
  if (!warm || eps_ == 0.0) {
    std::fill(alpha_.begin(), alpha_.end(), 0.0);
    std::fill(beta_.begin(), beta_.end(), 0.0);
    std::fill(u_.begin(), u_.end(), 1.0);
    std::fill(v_.begin(), v_.end(), 1.0);
    eps_ = o.annealing ? std::max(o.epsilon, costBound(a_, b_, cost_)) : o.epsilon;
    rebuildKernel();
  } else if (eps_ != o.epsilon) {
    setEpsilon(o.epsilon);
  }
  // Gap evaluations cost n m logarithms: at most ~250k entries' worth per recorded iteration.
  const int gapEvery = int(std::max<size_t>(1, n_ * m_ / 250000));
  double err = INFINITY;
  StallDetector stall;
  SolveProgress progress(eps_, o.epsilon, o.tolerance);
  while (true) {
    const bool last = eps_ <= o.epsilon;
    for (int it = 1; it <= o.maxIterations; ++it) {
      if (o.monitor && progress.report(*o.monitor, r.iterations, eps_, err)) {
        r.status = SolveStatus::NotConverged;
        r.cancelled = true;
        r.message = "stopped before converging";
        r.f = f(), r.g = g();
        return r;
      }
      if (!iterate()) {
        absorb();  // a row or column underflowed: start it from the absorbed potentials
        if (!iterate()) {
          r.status = SolveStatus::NumericalFailure;
          r.message =
              "every kernel entry of a row or column underflowed at eps = " + std::to_string(eps_) +
              ": increase epsilon, or turn annealing on, or rescale the points";
          r.f = f(), r.g = g();
          return r;
        }
      }
      ++r.iterations;
      if (history) {
        SinkhornRecord rec;
        rec.epsilon = eps_;
        rec.f = f();
        rec.g = g();
        const Diagnostics d = (r.iterations % gapEvery == 0) ? diagnose(rec.f, rec.g, eps_)
                                                             : Diagnostics{NAN, NAN, NAN};
        rec.marginalError = d.marginalError, rec.cost = d.cost, rec.gap = d.gap;
        history->push_back(std::move(rec));
      }
      if (!last && it >= o.annealIterations) break;
      if (last) {
        err = rowError();
        if (!std::isfinite(err)) {
          r.status = SolveStatus::NumericalFailure;
          r.message = "the marginal error became non-finite at eps = " + std::to_string(eps_) +
                      ": increase epsilon or rescale the points";
          r.f = f(), r.g = g();
          return r;
        }
        // Columns are exact after an iteration up to rounding; near the floor of double
        // precision that rounding decides, so a passing row error is confirmed by both.
        if (err < o.tolerance && (err = errorAndCost().first) < o.tolerance) break;
        if (stall.observe(err, r.iterations)) {
          r.stalled = true;
          break;
        }
      }
    }
    if (last) break;
    setEpsilon(std::max(o.epsilon, eps_ * kAnnealFactor));
  }
  r.f = f();
  r.g = g();
  std::tie(r.marginalError, r.cost) = errorAndCost();
  if (!std::isfinite(r.marginalError) || !std::isfinite(r.cost)) {
    r.status = SolveStatus::NumericalFailure;
    r.message = "the plan became non-finite at eps = " + std::to_string(eps_) +
                ": increase epsilon or rescale the points";
  } else if (r.marginalError < o.tolerance) {
    r.status = SolveStatus::Converged;
  } else if (r.stalled) {
    r.status = SolveStatus::NotConverged;
    r.message =
        stall.describe(o.tolerance, r.iterations) + ": loosen the tolerance or increase epsilon";
  } else {
    r.status = SolveStatus::NotConverged;
    r.message = StallDetector::iterationLimit(r.marginalError, r.iterations);
  }
  return r;
}

std::pair<double, double> DenseSinkhorn::errorAndCost() const {
  // From the scalings (no exponentials): rows and columns both counted.
  const std::vector<double> p = plan();
  std::vector<double> cols(m_, 0.0);
  double rowErr = 0.0, cost = 0.0;
  for (size_t i = 0; i < n_; ++i) {
    double s = 0.0;
    for (size_t j = 0; j < m_; ++j) {
      const double pij = p[i * m_ + j];
      s += pij;
      cost += pij * c_[i * m_ + j];
      cols[j] += pij;
    }
    rowErr += std::abs(s - a_.weights[i]);
  }
  double colErr = 0.0;
  for (size_t j = 0; j < m_; ++j) colErr += std::abs(cols[j] - b_.weights[j]);
  return {rowErr + colErr, cost};
}

std::vector<double> DenseSinkhorn::plan() const {
  std::vector<double> p(n_ * m_);
  forBlocks(n_, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i) {
      const double ri = a_.weights[i] * u_[i];
      for (size_t j = 0; j < m_; ++j) p[i * m_ + j] = ri * k_[i * m_ + j] * v_[j] * b_.weights[j];
    }
  });
  return p;
}

std::vector<double> DenseSinkhorn::planOf(const std::vector<double>& f,
                                          const std::vector<double>& g, double eps) const {
  std::vector<double> p(n_ * m_);
  forBlocks(n_, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i)
      for (size_t j = 0; j < m_; ++j)
        p[i * m_ + j] =
            a_.weights[i] * b_.weights[j] * std::exp((f[i] + g[j] - c_[i * m_ + j]) / eps);
  });
  return p;
}

DenseSinkhorn::Diagnostics DenseSinkhorn::diagnose(const std::vector<double>& f,
                                                   const std::vector<double>& g, double eps) const {
  const std::vector<double>& a = a_.weights;
  const std::vector<double>& b = b_.weights;
  std::vector<double> p = planOf(f, g, eps);
  std::vector<double> rows(n_, 0.0), cols(m_, 0.0);
  double cost = 0.0, total = 0.0;
  for (size_t i = 0; i < n_; ++i)
    for (size_t j = 0; j < m_; ++j) {
      const double pij = p[i * m_ + j];
      rows[i] += pij;
      cols[j] += pij;
      cost += pij * c_[i * m_ + j];
    }
  double err = 0.0;
  for (size_t i = 0; i < n_; ++i) err += std::abs(rows[i] - a[i]), total += rows[i];
  for (size_t j = 0; j < m_; ++j) err += std::abs(cols[j] - b[j]);
  // Altschuler-Weed-Rigollet rounding: scale rows, then columns, down to their marginals, then
  // add the rank-one correction err_r err_c^T / |err_r|_1.
  std::vector<double> x(n_), y(m_), colsX(m_, 0.0), errR(n_), errC(m_);
  for (size_t i = 0; i < n_; ++i) x[i] = rows[i] > a[i] ? a[i] / rows[i] : 1.0;
  for (size_t i = 0; i < n_; ++i)
    for (size_t j = 0; j < m_; ++j) colsX[j] += x[i] * p[i * m_ + j];
  for (size_t j = 0; j < m_; ++j) y[j] = colsX[j] > b[j] ? b[j] / colsX[j] : 1.0;
  double errNorm = 0.0;
  for (size_t i = 0; i < n_; ++i) {
    double s = 0.0;
    for (size_t j = 0; j < m_; ++j) s += x[i] * p[i * m_ + j] * y[j];
    errR[i] = std::max(0.0, a[i] - s);
    errNorm += errR[i];
  }
  for (size_t j = 0; j < m_; ++j) errC[j] = std::max(0.0, b[j] - colsX[j] * y[j]);
  double primal = 0.0;
  for (size_t i = 0; i < n_; ++i)
    for (size_t j = 0; j < m_; ++j) {
      double q = x[i] * p[i * m_ + j] * y[j];
      if (errNorm > 0.0) q += errR[i] * errC[j] / errNorm;
      if (q > 0.0) primal += q * c_[i * m_ + j] + eps * q * std::log(q / (a[i] * b[j]));
    }
  double dual = -eps * (total - 1.0);
  for (size_t i = 0; i < n_; ++i) dual += a[i] * f[i];
  for (size_t j = 0; j < m_; ++j) dual += b[j] * g[j];
  return {err, cost, primal - dual};
}

}  // namespace flowscope
