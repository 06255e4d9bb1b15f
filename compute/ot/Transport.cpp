#include "Transport.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "CsvFile.h"
#include "Dataset.h"
#include "EnumNames.h"
#include "InputError.h"
#include "Limits.h"
#include "Parallel.h"

namespace flowscope {

namespace {
const NamedValue<CostKind> kCosts[] = {{CostKind::SqEuclidean, "sqeuclidean"},
                                       {CostKind::Euclidean, "euclidean"}};
}  // namespace

std::string costName(CostKind kind) {
  return nameIn(kCosts, kind);
}

CostKind parseCost(const std::string& name) {
  return parseIn(kCosts, name, "cost");
}
Measure Measure::uniform(std::vector<glm::dvec2> points) {
  Measure m;
  m.weights.assign(points.size(), 1.0 / double(points.size()));
  m.points = std::move(points);
  return m;
}

Measure Measure::weighted(std::vector<glm::dvec2> points, std::vector<double> weights,
                          const std::string& source) {
  if (weights.size() != points.size())
    throw InputError(source + ": " + std::to_string(weights.size()) + " weights for " +
                     std::to_string(points.size()) + " points");
  double total = 0.0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0.0) || !(weights[i] <= limits::kMaxWeight))
      throw InputError(source + ": line " + std::to_string(i + 2) +
                       ": weights must be between 0 and " + formatNumber(limits::kMaxWeight) +
                       " (got " + formatNumber(weights[i]) + ")");
    total += weights[i];
  }
  if (!(total > 0.0)) throw InputError(source + ": all weights are zero");
  for (auto& w : weights) w /= total;
  return Measure{std::move(points), std::move(weights)};
}

Measure readMeasureCsv(const std::string& points, const std::string& weights) {
  auto pts = readPointsCsv(points);
  if (weights.empty()) return Measure::uniform(std::move(pts));
  return Measure::weighted(std::move(pts), readWeightsCsv(weights), weights);
}

std::vector<double> readWeightsCsv(const std::string& path) {
  CsvSpec spec;
  spec.header = {"w"};
  spec.maxAbs = limits::kMaxWeight;
  spec.quantity = "weights";
  return readNumericCsv(path, spec).values;
}

namespace {

// f_i = -eps log sum_j b_j exp((g_j - C_ij)/eps): one streaming log-sum-exp per row.
void softminRows(const Measure& a, const Measure& b, CostKind cost, const std::vector<double>& g,
                 double eps, std::vector<double>& f) {
  parallelFor(
      a.points.size(),
      [&](size_t i) {
        LogSumExp lse;
        for (size_t j = 0; j < b.points.size(); ++j)
          if (b.weights[j] != 0.0)
            lse.add(std::log(b.weights[j]) + (g[j] - costOf(cost, a.points[i], b.points[j])) / eps);
        f[i] = -eps * lse.value();
      },
      64);
}

}  // namespace

std::pair<double, double> sinkhornErrorAndCost(const Measure& a, const Measure& b, CostKind cost,
                                               const std::vector<double>& f,
                                               const std::vector<double>& g, double eps) {
  const size_t n = a.points.size(), m = b.points.size();
  auto p = [&](size_t i, size_t j, double cij) {
    return a.weights[i] * b.weights[j] * std::exp((f[i] + g[j] - cij) / eps);
  };
  // Rows (mass and cost) and columns (mass) in two parallel passes: no shared sums, no locks.
  std::vector<double> rowErr(n), rowCost(n), colErr(m);
  parallelFor(
      n,
      [&](size_t i) {
        double mass = 0.0, c = 0.0;
        for (size_t j = 0; j < m; ++j) {
          const double cij = costOf(cost, a.points[i], b.points[j]), pij = p(i, j, cij);
          mass += pij;
          c += pij * cij;
        }
        rowErr[i] = std::abs(mass - a.weights[i]);
        rowCost[i] = c;
      },
      64);
  parallelFor(
      m,
      [&](size_t j) {
        double mass = 0.0;
        for (size_t i = 0; i < n; ++i) mass += p(i, j, costOf(cost, a.points[i], b.points[j]));
        colErr[j] = std::abs(mass - b.weights[j]);
      },
      64);
  const double err = std::accumulate(rowErr.begin(), rowErr.end(), 0.0) +
                     std::accumulate(colErr.begin(), colErr.end(), 0.0);
  return {err, std::accumulate(rowCost.begin(), rowCost.end(), 0.0)};
}

double costBound(const Measure& a, const Measure& b, CostKind cost) {
  glm::dvec2 lo(INFINITY), hi(-INFINITY);
  for (const auto* m : {&a, &b})
    for (const auto& p : m->points) lo = glm::min(lo, p), hi = glm::max(hi, p);
  return costOf(cost, lo, hi);
}

std::string StallDetector::describe(double tolerance, int iterations) const {
  return "the marginal error stopped falling at " + formatNumber(reference_) + " (no 1% gain in " +
         std::to_string(kIterations) + " iterations, " + std::to_string(iterations) +
         " in all), above the tolerance " + formatNumber(tolerance);
}

std::string StallDetector::iterationLimit(double error, int iterations) {
  return "marginal error " + formatNumber(error) + " after " + std::to_string(iterations) +
         " iterations is above the tolerance: raise the iteration limit, loosen the tolerance or "
         "increase epsilon";
}

SinkhornResult sinkhornCpu(const Measure& a, const Measure& b, CostKind cost,
                           const SinkhornOptions& o, const SinkhornResult* start) {
  SinkhornResult r;
  r.f.assign(a.points.size(), 0.0);
  r.g.assign(b.points.size(), 0.0);
  double eps = o.annealing ? std::max(o.epsilon, costBound(a, b, cost)) : o.epsilon;
  if (start) r.f = start->f, r.g = start->g, r.iterations = start->iterations, eps = o.epsilon;
  StallDetector stall;
  while (true) {
    const bool last = eps <= o.epsilon;
    for (int it = 1; it <= o.maxIterations; ++it) {
      softminRows(a, b, cost, r.g, eps, r.f);
      softminRows(b, a, cost, r.f, eps, r.g);
      ++r.iterations;
      if (!last && it >= o.annealIterations)
        break;  // an annealing stage: a few warm-up iterations suffice
      if (last && (it % o.checkEvery == 0 || it == o.maxIterations)) {
        auto [err, c] = sinkhornErrorAndCost(a, b, cost, r.f, r.g, eps);
        r.marginalError = err;
        r.cost = c;
        if (!std::isfinite(err) || !std::isfinite(c)) {
          r.status = SolveStatus::NumericalFailure;
          r.message = "the potentials became non-finite at eps = " + std::to_string(eps) +
                      ": increase --epsilon or rescale the points";
          return r;
        }
        if (err < o.tolerance) {
          r.status = SolveStatus::Converged;
          return r;
        }
        if (o.progress) o.progress(r.iterations, err);
        if (stall.observe(err, r.iterations)) {
          r.status = SolveStatus::NotConverged, r.stalled = true;
          r.message =
              stall.describe(o.tolerance, r.iterations) + ": loosen --tol or increase --epsilon";
          return r;
        }
      }
    }
    if (last) break;
    eps = std::max(o.epsilon, eps * kAnnealFactor);
  }
  r.status = SolveStatus::NotConverged;
  r.message = "marginal error " + formatNumber(r.marginalError) + " after " +
              std::to_string(r.iterations) +
              " iterations is above the tolerance: raise --max-iter, or loosen --tol, or increase "
              "--epsilon";
  return r;
}

double planEntry(const Measure& a, const Measure& b, CostKind cost, const SinkhornResult& r,
                 double eps, size_t i, size_t j) {
  return a.weights[i] * b.weights[j] *
         std::exp((r.f[i] + r.g[j] - costOf(cost, a.points[i], b.points[j])) / eps);
}

double transport1d(std::vector<double> x, std::vector<double> wx, std::vector<double> y,
                   std::vector<double> wy, CostKind cost) {
  auto sortBy = [](std::vector<double>& v, std::vector<double>& w) {
    std::vector<size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](size_t p, size_t q) { return v[p] < v[q]; });
    std::vector<double> v2, w2;
    double total = std::accumulate(w.begin(), w.end(), 0.0);
    for (size_t k : idx) v2.push_back(v[k]), w2.push_back(w[k] / total);
    v.swap(v2);
    w.swap(w2);
  };
  sortBy(x, wx);
  sortBy(y, wy);
  // The north-west corner rule on sorted supports is the optimal (quantile) coupling.
  double total = 0.0;
  size_t i = 0, j = 0;
  double ri = wx[0], rj = wy[0];
  while (i < x.size() && j < y.size()) {
    const double mass = std::min(ri, rj);
    const double d = std::abs(x[i] - y[j]);
    total += mass * (cost == CostKind::SqEuclidean ? d * d : d);
    ri -= mass;
    rj -= mass;
    if (ri <= 1e-15 && ++i < x.size()) ri = wx[i];
    if (rj <= 1e-15 && ++j < y.size()) rj = wy[j];
  }
  return total;
}

glm::dmat2 sqrtSpd(const glm::dmat2& s) {
  // For 2x2 SPD: sqrt(S) = (S + sqrt(det) I) / sqrt(tr + 2 sqrt(det)).
  const double det = std::max(0.0, glm::determinant(s));
  const double sd = std::sqrt(det);
  const double t = std::sqrt(std::max(0.0, s[0][0] + s[1][1] + 2.0 * sd));
  if (t == 0.0) return glm::dmat2(0.0);
  return (s + glm::dmat2(sd)) / t;
}

double gaussianW2Squared(const Gaussian2& p, const Gaussian2& q) {
  const glm::dmat2 r = sqrtSpd(p.cov);
  const glm::dmat2 cross = sqrtSpd(r * q.cov * r);
  const glm::dvec2 d = p.mean - q.mean;
  return glm::dot(d, d) + (p.cov[0][0] + p.cov[1][1]) + (q.cov[0][0] + q.cov[1][1]) -
         2.0 * (cross[0][0] + cross[1][1]);
}

glm::dmat2 gaussianMongeMatrix(const Gaussian2& p, const Gaussian2& q) {
  const glm::dmat2 r = sqrtSpd(p.cov);
  const glm::dmat2 rInv = glm::inverse(r);
  return rInv * sqrtSpd(r * q.cov * r) * rInv;
}

}  // namespace flowscope
