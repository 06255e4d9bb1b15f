#pragma once
// Optimal transport between weighted point clouds in 2-D (the Transport lab's core). Conventions,
// named in the UI and --help (POT's):
//   cost       sqeuclidean C_ij = |x_i - y_j|^2 (W2^2) or euclidean C_ij = |x_i - y_j| (W1)
//   entropic   min_P <P, C> + eps * sum P log P over plans with marginals a, b; eps is POT's `reg`;
//              GeomLoss's blur = sqrt(eps) for the squared Euclidean cost
//   reported   cost = <P, C> (POT's sinkhorn2), w = cost^(1/p) (p = 2 sqeuclidean, 1 euclidean)
//   error      marginal_error = |P 1 - a|_1 + |P^T 1 - b|_1
// Sinkhorn runs in the log domain on dual potentials f, g:
//   f_i = -eps log sum_j b_j exp((g_j - C_ij)/eps),  g_j = -eps log sum_i a_i exp((f_i -
//   C_ij)/eps), P_ij = a_i b_j exp((f_i + g_j - C_ij)/eps),
// which minimises <P, C> + eps KL(P | a b^T): the same plan as POT's objective (the two differ by a
// constant on the plans with marginals a, b). Costs are recomputed on the fly: no n x m matrix.
#include <glm/glm.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace flowscope {

struct JobMonitor;

enum class CostKind { SqEuclidean, Euclidean };

// Streaming log-sum-exp: add(l) for each term l, then value() = log sum exp(l) (-inf when empty).
// One pass, no overflow: every softmin of the Sinkhorn solvers and potential extensions uses it.
struct LogSumExp {
  double max = -INFINITY, sum = 0.0;
  void add(double l) {
    if (l == -INFINITY) return;  // a zero weight: no term
    if (l > max) {
      sum = sum * std::exp(max - l) + 1.0;
      max = l;
    } else {
      sum += std::exp(l - max);
    }
  }
  double value() const { return max + std::log(sum); }
};
std::string costName(CostKind kind);
CostKind parseCost(const std::string& name);  // throws InputError
// |x - y|^2 or |x - y|; inline because the exact solver's pricing calls it per cell.
inline double costOf(CostKind kind, glm::dvec2 x, glm::dvec2 y) {
  const double dx = x.x - y.x, dy = x.y - y.y, sq = dx * dx + dy * dy;
  return kind == CostKind::SqEuclidean ? sq : std::sqrt(sq);
}

// Points with normalised weights.
struct Measure {
  std::vector<glm::dvec2> points;
  std::vector<double> weights;  // sum 1
  static Measure uniform(std::vector<glm::dvec2> points);
  // Normalises; throws InputError "<source>: row K: ..." for a negative weight, "all zero" etc.
  static Measure weighted(std::vector<glm::dvec2> points, std::vector<double> weights,
                          const std::string& source);
};

// Reads a weights CSV (header "w", one weight a row); errors name the file and the row.
std::vector<double> readWeightsCsv(const std::string& path);
// A points CSV (x,y) with an optional weights CSV (empty: uniform), as the CLI's commands take
// them.
Measure readMeasureCsv(const std::string& points, const std::string& weights);

struct SinkhornOptions {
  double epsilon = 0.05;
  int maxIterations = 10000;
  double tolerance = 1e-4;   // stop when marginal_error < tolerance
  bool annealing = true;     // eps from max(C) down to epsilon by kAnnealFactor, warm-started
  int checkEvery = 10;       // iterations between marginal-error checks
  int annealIterations = 3;  // iterations at each eps above the target (eps-scaling needs few)
  // Called at each check at the target eps that has not converged (iterations so far, error):
  // for progress on stderr.
  std::function<void(int, double)> progress;
  // A worker's monitor (BackgroundJob.h), when the solve runs off the frame: it receives the
  // iterations, the current eps, the last error and a fraction done; its `stop` ends the solve
  // after the current iteration (SinkhornResult::cancelled). DenseSinkhorn honours it.
  JobMonitor* monitor = nullptr;
};
inline constexpr double kAnnealFactor = 0.5;

enum class SolveStatus { Converged, NotConverged, NumericalFailure };

struct SinkhornResult {
  std::vector<double> f, g;  // dual potentials at the final epsilon
  double cost = 0.0;         // <P, C>
  double marginalError = 0.0;
  int iterations = 0;  // all iterations, annealing stages included
  SolveStatus status = SolveStatus::NotConverged;
  bool stalled = false;    // NotConverged because the error stopped falling (StallDetector)
  bool cancelled = false;  // NotConverged because the monitor asked it to stop
  std::string message;     // what went wrong and what to change, when not converged
};

// Tells when an iterative solver is stuck above its tolerance: its error has not fallen by 1% in
// kIterations iterations (float32's rounding floor, or a rate too slow to matter). Every Sinkhorn
// solver stops there instead of running to its iteration limit.
class StallDetector {
 public:
  static constexpr int kIterations = 2000;
  // Feed each checked error with the iteration count; true once stalled.
  bool observe(double error, int iterations) {
    if (error < 0.99 * reference_) reference_ = error, since_ = iterations;
    return iterations - since_ >= kIterations;
  }
  // "the marginal error stopped falling at 1.2e-05 ..." for a solver's message.
  std::string describe(double tolerance, int iterations) const;
  // The stored-kernel solvers' message for a solve that ran out of iterations above the tolerance.
  static std::string iterationLimit(double error, int iterations);

 private:
  double reference_ = INFINITY;
  int since_ = 0;
};

// An upper bound of max C_ij (the bounding box's diagonal, squared for sqeuclidean): where
// eps-annealing starts, on both backends.
double costBound(const Measure& a, const Measure& b, CostKind cost);

// `start`, when given, warm-starts from its potentials at options.epsilon (no annealing); its
// iterations are counted on. The CLI finishes a stalled float32 GPU solve this way.
SinkhornResult sinkhornCpu(const Measure& a, const Measure& b, CostKind cost,
                           const SinkhornOptions& options, const SinkhornResult* start = nullptr);
// P_ij of a Sinkhorn solution (one entry; the plan is never stored whole).
double planEntry(const Measure& a, const Measure& b, CostKind cost, const SinkhornResult& r,
                 double eps, size_t i, size_t j);
// Marginal error and <P, C> of potentials (one pass over all pairs).
std::pair<double, double> sinkhornErrorAndCost(const Measure& a, const Measure& b, CostKind cost,
                                               const std::vector<double>& f,
                                               const std::vector<double>& g, double eps);

// Closed forms.
// W_p^p between 1-D weighted samples by the quantile (sorted) coupling.
double transport1d(std::vector<double> x, std::vector<double> wx, std::vector<double> y,
                   std::vector<double> wy, CostKind cost);
struct Gaussian2 {
  glm::dvec2 mean{0.0};
  glm::dmat2 cov{1.0};
};
// Bures-Wasserstein: W2^2 = |m1 - m2|^2 + tr(S1 + S2 - 2 (S1^(1/2) S2 S1^(1/2))^(1/2)).
double gaussianW2Squared(const Gaussian2& p, const Gaussian2& q);
// The linear Monge map T(x) = m2 + A (x - m1), A = S1^(-1/2) (S1^(1/2) S2 S1^(1/2))^(1/2)
// S1^(-1/2).
glm::dmat2 gaussianMongeMatrix(const Gaussian2& p, const Gaussian2& q);
// The symmetric square root of a 2x2 symmetric positive semi-definite matrix.
glm::dmat2 sqrtSpd(const glm::dmat2& s);

}  // namespace flowscope
