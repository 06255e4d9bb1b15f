#include "Estimators.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "EnumNames.h"
#include "InputError.h"
#include "Limits.h"
#include "Parallel.h"

namespace flowscope {
namespace {

constexpr NamedValue<EstimatorDist> kDists[] = {{EstimatorDist::Gaussian, "gaussian"},
                                                {EstimatorDist::Categorical, "categorical"},
                                                {EstimatorDist::Gaussian2d, "gaussian2d"}};
constexpr NamedValue<Gaussian2F> kF2s[] = {{Gaussian2F::Bowl, "x^2+y^2"},
                                           {Gaussian2F::Product, "x*y"},
                                           {Gaussian2F::Wave, "sin(x)*cos(y)"},
                                           {Gaussian2F::Quadrant, "step(x)*step(y)"}};
constexpr NamedValue<EstimatorKind> kKinds[] = {
    {EstimatorKind::Pathwise, "pathwise"},
    {EstimatorKind::Reinforce, "reinforce"},
    {EstimatorKind::ReinforceBaseline, "reinforce-baseline"},
    {EstimatorKind::ReinforceLoo, "reinforce-loo"},
    {EstimatorKind::GumbelSoftmax, "gumbel-softmax"},
    {EstimatorKind::StraightThrough, "straight-through"}};
constexpr NamedValue<GaussianF> kFs[] = {{GaussianF::Square, "x^2"},
                                         {GaussianF::Sin, "sin"},
                                         {GaussianF::Cos, "cos"},
                                         {GaussianF::Step, "step"},
                                         {GaussianF::Abs, "abs"}};

double normalPdf(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi);
}
double normalCdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

double fOf(GaussianF f, double z) {
  switch (f) {
    case GaussianF::Square:
      return z * z;
    case GaussianF::Sin:
      return std::sin(z);
    case GaussianF::Cos:
      return std::cos(z);
    case GaussianF::Step:
      return z > 0.0 ? 1.0 : 0.0;
    default:
      return std::abs(z);
  }
}

// f'(z) (0 for the step, almost everywhere: the pathwise estimator's blind spot).
double fSlope(GaussianF f, double z) {
  switch (f) {
    case GaussianF::Square:
      return 2.0 * z;
    case GaussianF::Sin:
      return std::cos(z);
    case GaussianF::Cos:
      return -std::sin(z);
    case GaussianF::Step:
      return 0.0;
    default:
      return z > 0.0 ? 1.0 : (z < 0.0 ? -1.0 : 0.0);
  }
}

std::vector<double> softmax(const std::vector<double>& v) {
  const double top = *std::max_element(v.begin(), v.end());
  std::vector<double> p(v.size());
  double sum = 0.0;
  for (size_t k = 0; k < v.size(); ++k) sum += p[k] = std::exp(v[k] - top);
  for (double& x : p) x /= sum;
  return p;
}

double gumbel(Pcg32& rng) {
  return -std::log(-std::log(rng.uniform()));
}

// One draw: f(z) and grad log p(z) (reinforce's ingredients), or the estimator's own gradient.
struct Draw {
  double f;
  std::vector<double> score;   // grad log p(z)
  std::vector<double> direct;  // pathwise / relaxed gradient
};

// f(z) and f'(z) of the problem's function (named or typed).
Expression::Value gaussianF(const EstimatorProblem& p, double z) {
  if (p.expression) return p.expression->evaluate(z);
  return {fOf(p.f, z), fSlope(p.f, z)};
}

// L and grad L of a typed f: the score-function integrals against N(0, 1), trapezoid rule.
std::vector<double> quadrature(const EstimatorProblem& p) {
  const double mu = p.theta[0], s = p.theta[1], h = 1e-3;
  double l = 0.0, gm = 0.0, gs = 0.0;
  for (int i = -12000; i <= 12000; ++i) {
    const double e = i * h, w = (std::abs(i) == 12000 ? 0.5 : 1.0) * h * normalPdf(e);
    const double f = p.expression->evaluate(mu + s * e).f;
    l += w * f;
    gm += w * f * e / s;
    gs += w * f * (e * e - 1.0) / s;
  }
  if (!std::isfinite(l) || !std::isfinite(gm) || !std::isfinite(gs))
    throw InputError("f: '" + p.expression->text() +
                     "' is not finite over the Gaussian's support (mu +- 12 sigma)");
  return {l, gm, gs};
}

Expression::Value2 f2Of(const EstimatorProblem& p, double x, double y) {
  if (p.expression) return p.expression->evaluate(x, y);
  switch (p.f2) {
    case Gaussian2F::Bowl:
      return {x * x + y * y, 2 * x, 2 * y};
    case Gaussian2F::Product:
      return {x * y, y, x};
    case Gaussian2F::Wave:
      return {std::sin(x) * std::cos(y), std::cos(x) * std::cos(y), -std::sin(x) * std::sin(y)};
    default:  // the step's derivative is 0 almost everywhere
      return {(x > 0.0 && y > 0.0) ? 1.0 : 0.0, 0.0, 0.0};
  }
}

// L and grad L in the plane: closed forms, or the score-function integrals of a typed f against
// N(0, I) on [-8, 8]^2 (401 x 401 points, trapezoid rule).
std::vector<double> plane(const EstimatorProblem& p) {
  const double m1 = p.theta[0], m2 = p.theta[1], s = p.theta[2];
  if (!p.expression) {
    switch (p.f2) {
      case Gaussian2F::Bowl:
        return {m1 * m1 + m2 * m2 + 2 * s * s, 2 * m1, 2 * m2, 4 * s};
      case Gaussian2F::Product:
        return {m1 * m2, m2, m1, 0.0};
      case Gaussian2F::Wave: {
        const double d = std::exp(-s * s), l = std::sin(m1) * std::cos(m2) * d;
        return {l, std::cos(m1) * std::cos(m2) * d, -std::sin(m1) * std::sin(m2) * d, -2 * s * l};
      }
      default: {
        const double a = m1 / s, b = m2 / s;
        return {normalCdf(a) * normalCdf(b), normalPdf(a) / s * normalCdf(b),
                normalCdf(a) * normalPdf(b) / s,
                -(m1 * normalPdf(a) * normalCdf(b) + m2 * normalCdf(a) * normalPdf(b)) / (s * s)};
      }
    }
  }
  constexpr int n = 200;
  constexpr double h = 8.0 / n;
  std::vector<std::array<double, 4>> rows(2 * n + 1);
  parallelFor(
      rows.size(),
      [&](size_t r) {
        const int i = int(r) - n;
        const double e1 = i * h, w1 = (std::abs(i) == n ? 0.5 : 1.0) * h * normalPdf(e1);
        std::array<double, 4> acc{};
        for (int j = -n; j <= n; ++j) {
          const double e2 = j * h, w = w1 * (std::abs(j) == n ? 0.5 : 1.0) * h * normalPdf(e2);
          const double f = p.expression->evaluate(m1 + s * e1, m2 + s * e2).f;
          acc[0] += w * f;
          acc[1] += w * f * e1 / s;
          acc[2] += w * f * e2 / s;
          acc[3] += w * f * (e1 * e1 + e2 * e2 - 2.0) / s;
        }
        rows[r] = acc;
      },
      16);
  std::vector<double> out(4, 0.0);
  for (const auto& r : rows)
    for (size_t k = 0; k < 4; ++k) out[k] += r[k];
  for (double v : out)
    if (!std::isfinite(v))
      throw InputError("f: '" + p.expression->text() +
                       "' is not finite over the Gaussian's support (mu +- 8 sigma)");
  return out;
}

Draw drawGaussian2d(const EstimatorProblem& p, const double* noise) {
  const double m1 = p.theta[0], m2 = p.theta[1], s = p.theta[2];
  const double e1 = noise[0], e2 = noise[1];
  const Expression::Value2 v = f2Of(p, m1 + s * e1, m2 + s * e2);
  return {
      v.f, {e1 / s, e2 / s, (e1 * e1 + e2 * e2 - 2.0) / s}, {v.dx, v.dy, v.dx * e1 + v.dy * e2}};
}

Draw drawGaussian(const EstimatorProblem& p, const double* noise) {
  const double mu = p.theta[0], sigma = p.theta[1], eps = noise[0], z = mu + sigma * eps;
  const Expression::Value v = gaussianF(p, z);
  const double slope = v.slope;
  return {v.f,
          {(z - mu) / (sigma * sigma), ((z - mu) * (z - mu) - sigma * sigma) / std::pow(sigma, 3)},
          {slope, slope * eps}};
}

Draw drawCategorical(const EstimatorProblem& p, const EstimatorSpec& s, const double* noise) {
  const size_t K = p.theta.size();
  const std::vector<double> prob = softmax(p.theta);
  Draw d;
  if (s.kind == EstimatorKind::GumbelSoftmax || s.kind == EstimatorKind::StraightThrough) {
    std::vector<double> noisy(K);
    for (size_t k = 0; k < K; ++k) noisy[k] = (p.theta[k] + noise[k]) / s.tau;
    const std::vector<double> y = softmax(noisy);
    double fy = 0.0;
    for (size_t k = 0; k < K; ++k) fy += y[k] * p.table[k];
    d.direct.resize(K);
    for (size_t j = 0; j < K; ++j) d.direct[j] = y[j] * (p.table[j] - fy) / s.tau;
    const size_t hard = size_t(std::max_element(y.begin(), y.end()) - y.begin());
    d.f = s.kind == EstimatorKind::StraightThrough ? p.table[hard] : fy;
    return d;
  }
  double u = noise[0], acc = 0.0;
  size_t k = 0;
  for (; k + 1 < K; ++k) {
    acc += prob[k];
    if (u < acc) break;
  }
  d.f = p.table[k];
  d.score.resize(K);
  for (size_t j = 0; j < K; ++j) d.score[j] = (j == k ? 1.0 : 0.0) - prob[j];
  return d;
}

}  // namespace

std::string estimatorDistName(EstimatorDist d) {
  return nameIn(kDists, d);
}
EstimatorDist parseEstimatorDist(const std::string& n) {
  return parseIn(kDists, n, "dist");
}
std::string estimatorKindName(EstimatorKind k) {
  return nameIn(kKinds, k);
}
EstimatorKind parseEstimatorKind(const std::string& n) {
  return parseIn(kKinds, n, "estimator");
}
double gaussianFValue(GaussianF f, double z) {
  return fOf(f, z);
}

std::string gaussian2FName(Gaussian2F f) {
  return nameIn(kF2s, f);
}
double gaussian2FValue(Gaussian2F f, double x, double y) {
  EstimatorProblem p;
  p.f2 = f;
  return f2Of(p, x, y).f;
}

std::string gaussianFName(GaussianF f) {
  return nameIn(kFs, f);
}
GaussianF parseGaussianF(const std::string& n) {
  return parseIn(kFs, n, "f");
}

const std::vector<EstimatorKind>& allEstimators() {
  static const std::vector<EstimatorKind> all = {
      EstimatorKind::Pathwise,     EstimatorKind::Reinforce,     EstimatorKind::ReinforceBaseline,
      EstimatorKind::ReinforceLoo, EstimatorKind::GumbelSoftmax, EstimatorKind::StraightThrough};
  return all;
}

void validate(const EstimatorProblem& p) {
  for (double v : p.theta)
    if (!std::isfinite(v) || std::abs(v) > 1e6)
      throw InputError("theta: values must be finite, |v| <= 1e6");
  if (p.dist == EstimatorDist::Gaussian) {
    if (p.theta.size() != 2) throw InputError("theta: the Gaussian takes mu,sigma (2 values)");
    if (!(p.theta[1] > 0.0)) throw InputError("theta: sigma must be above 0");
    if (p.expression && p.expression->usesY())
      throw InputError("f: y is a variable of the 2-D Gaussian (gaussian2d) only");
    return;
  }
  if (p.dist == EstimatorDist::Gaussian2d) {
    if (p.theta.size() != 3)
      throw InputError("theta: the 2-D Gaussian takes mu1,mu2,sigma (3 values)");
    if (!(p.theta[2] > 0.0)) throw InputError("theta: sigma must be above 0");
    return;
  }
  if (p.theta.size() < 2 || p.theta.size() > 8)
    throw InputError("theta: the categorical takes 2..8 logits (got " +
                     std::to_string(p.theta.size()) + ")");
  if (p.table.size() != p.theta.size())
    throw InputError("f: the table needs one value per class (" + std::to_string(p.theta.size()) +
                     ", got " + std::to_string(p.table.size()) + ")");
  for (double v : p.table)
    if (!std::isfinite(v) || std::abs(v) > 1e6)
      throw InputError("f: values must be finite, |v| <= 1e6");
}

void checkApplies(EstimatorKind k, EstimatorDist d) {
  const bool relaxed = k == EstimatorKind::GumbelSoftmax || k == EstimatorKind::StraightThrough;
  if (d == EstimatorDist::Categorical && k == EstimatorKind::Pathwise)
    throw InputError(
        "estimator: pathwise needs a reparameterisable distribution (the Gaussian); "
        "a categorical's relaxation is gumbel-softmax");
  if (d != EstimatorDist::Categorical && relaxed)
    throw InputError("estimator: " + estimatorKindName(k) +
                     " relaxes a categorical; the Gaussian "
                     "has pathwise");
}

void validate(const EstimatorSpec& s) {
  if (!(s.tau > 0.0 && s.tau <= 1e3)) throw InputError("tau: must be above 0 and at most 1000");
  requireInRange("samples", s.samples, 1, 1000000);
  requireInRange("repeats", s.repeats, 2, 1000000);
  if (s.kind == EstimatorKind::ReinforceLoo && s.samples < 2)
    throw InputError(
        "samples: reinforce-loo needs at least 2 (each sample's baseline is the others')");
}

double objective(const EstimatorProblem& p) {
  if (p.dist == EstimatorDist::Gaussian2d) return plane(p)[0];
  if (p.dist == EstimatorDist::Categorical) {
    const std::vector<double> prob = softmax(p.theta);
    double l = 0.0;
    for (size_t k = 0; k < prob.size(); ++k) l += prob[k] * p.table[k];
    return l;
  }
  if (p.expression) return quadrature(p)[0];
  const double mu = p.theta[0], s = p.theta[1], damp = std::exp(-0.5 * s * s);
  switch (p.f) {
    case GaussianF::Square:
      return mu * mu + s * s;
    case GaussianF::Sin:
      return std::sin(mu) * damp;
    case GaussianF::Cos:
      return std::cos(mu) * damp;
    case GaussianF::Step:
      return normalCdf(mu / s);
    default:
      return s * std::sqrt(2.0 / std::numbers::pi) * std::exp(-mu * mu / (2 * s * s)) +
             mu * (2.0 * normalCdf(mu / s) - 1.0);
  }
}

std::vector<double> exactGradient(const EstimatorProblem& p) {
  if (p.dist == EstimatorDist::Gaussian2d) {
    const std::vector<double> q = plane(p);
    return {q[1], q[2], q[3]};
  }
  if (p.dist == EstimatorDist::Categorical) {
    const std::vector<double> prob = softmax(p.theta);
    const double l = objective(p);
    std::vector<double> g(prob.size());
    for (size_t j = 0; j < g.size(); ++j) g[j] = prob[j] * (p.table[j] - l);
    return g;
  }
  if (p.expression) {
    const std::vector<double> q = quadrature(p);
    return {q[1], q[2]};
  }
  const double mu = p.theta[0], s = p.theta[1], damp = std::exp(-0.5 * s * s);
  switch (p.f) {
    case GaussianF::Square:
      return {2 * mu, 2 * s};
    case GaussianF::Sin:
      return {std::cos(mu) * damp, -s * std::sin(mu) * damp};
    case GaussianF::Cos:
      return {-std::sin(mu) * damp, -s * std::cos(mu) * damp};
    case GaussianF::Step:
      return {normalPdf(mu / s) / s, -mu * normalPdf(mu / s) / (s * s)};
    default:
      return {2.0 * normalCdf(mu / s) - 1.0,
              std::sqrt(2.0 / std::numbers::pi) * std::exp(-mu * mu / (2 * s * s))};
  }
}

size_t noiseStride(const EstimatorProblem& p, const EstimatorSpec& s) {
  if (p.dist == EstimatorDist::Gaussian) return 1;
  if (p.dist == EstimatorDist::Gaussian2d) return 2;
  const bool relaxed =
      s.kind == EstimatorKind::GumbelSoftmax || s.kind == EstimatorKind::StraightThrough;
  return relaxed ? p.theta.size() : 1;
}

std::vector<double> drawNoise(const EstimatorProblem& p, const EstimatorSpec& s, Pcg32& rng) {
  const size_t stride = noiseStride(p, s);
  const bool categorical = p.dist == EstimatorDist::Categorical;
  std::vector<double> noise(size_t(s.samples) * stride);
  for (double& v : noise)
    v = !categorical ? rng.normal() : stride > 1 ? gumbel(rng) : rng.uniform();
  return noise;
}

std::vector<double> estimateGradient(const EstimatorProblem& p, const EstimatorSpec& s,
                                     Pcg32& rng) {
  return estimateFromNoise(p, s, drawNoise(p, s, rng));
}

std::vector<double> estimateFromNoise(const EstimatorProblem& p, const EstimatorSpec& s,
                                      std::span<const double> noise) {
  const size_t n = p.theta.size(), m = size_t(s.samples), stride = noiseStride(p, s);
  if (noise.size() != m * stride)
    throw InputError("noise: " + std::to_string(m * stride) + " values expected");
  std::vector<Draw> draws;
  draws.reserve(m);
  for (size_t i = 0; i < m; ++i) {
    const double* e = noise.data() + i * stride;
    draws.push_back(p.dist == EstimatorDist::Gaussian     ? drawGaussian(p, e)
                    : p.dist == EstimatorDist::Gaussian2d ? drawGaussian2d(p, e)
                                                          : drawCategorical(p, s, e));
  }
  std::vector<double> g(n, 0.0);
  double total = 0.0;
  for (const Draw& d : draws) total += d.f;
  double running = 0.0;
  for (size_t i = 0; i < m; ++i) {
    const Draw& d = draws[i];
    double weight = d.f;  // reinforce's f(z) - baseline
    switch (s.kind) {
      case EstimatorKind::Pathwise:
      case EstimatorKind::GumbelSoftmax:
      case EstimatorKind::StraightThrough:
        for (size_t j = 0; j < n; ++j) g[j] += d.direct[j];
        continue;
      case EstimatorKind::ReinforceBaseline:
        weight -= i > 0 ? running / double(i) : 0.0;
        break;
      case EstimatorKind::ReinforceLoo:
        weight -= (total - d.f) / double(m - 1);
        break;
      default:
        break;
    }
    running += d.f;
    for (size_t j = 0; j < n; ++j) g[j] += weight * d.score[j];
  }
  for (double& v : g) v /= double(m);
  return g;
}

std::vector<std::vector<double>> gradientEstimates(const EstimatorProblem& p,
                                                   const EstimatorSpec& s) {
  validate(p);
  validate(s);
  checkApplies(s.kind, p.dist);
  std::vector<std::vector<double>> estimates(size_t(s.repeats));
  parallelFor(
      estimates.size(),
      [&](size_t i) {
        Pcg32 rng(s.seed, 1000u + i);
        estimates[i] = estimateGradient(p, s, rng);
      },
      64);
  return estimates;
}

EstimatorStats estimatorStats(const EstimatorProblem& p, const EstimatorSpec& s) {
  return statsOf(p, gradientEstimates(p, s));
}

EstimatorStats statsOf(const EstimatorProblem& p,
                       const std::vector<std::vector<double>>& estimates) {
  const size_t n = p.theta.size(), r = estimates.size();
  if (r < 2) throw InputError("repeats: at least 2 estimates");
  EstimatorStats out;
  out.exact = exactGradient(p);
  out.mean.assign(n, 0.0);
  out.variance.assign(n, 0.0);
  for (const auto& e : estimates)
    for (size_t j = 0; j < n; ++j) out.mean[j] += e[j] / double(r);
  for (const auto& e : estimates)
    for (size_t j = 0; j < n; ++j)
      out.variance[j] += std::pow(e[j] - out.mean[j], 2) / double(r - 1);
  for (size_t j = 0; j < n; ++j) {
    out.bias.push_back(out.mean[j] - out.exact[j]);
    out.standardError.push_back(std::sqrt(out.variance[j] / double(r)));
  }
  return out;
}

std::vector<double> relaxedSample(const std::vector<double>& logits, double tau, Pcg32& rng) {
  std::vector<double> v(logits.size());
  for (size_t k = 0; k < v.size(); ++k) v[k] = (logits[k] + gumbel(rng)) / tau;
  return softmax(v);
}

int gumbelMax(const std::vector<double>& logits, Pcg32& rng) {
  int best = 0;
  double top = -INFINITY;
  for (size_t k = 0; k < logits.size(); ++k) {
    const double v = logits[k] + gumbel(rng);
    if (v > top) top = v, best = int(k);
  }
  return best;
}

}  // namespace flowscope
