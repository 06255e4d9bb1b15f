#include "OdeLikelihood.h"

#include <cmath>
#include <numbers>

#include "EnumNames.h"
#include "Limits.h"
#include "Parallel.h"
#include "Rng.h"

namespace flowscope {
namespace {

constexpr NamedValue<OdePath> kPaths[] = {{OdePath::Edm, "edm"}, {OdePath::Flow, "flow"}};
constexpr NamedValue<OdeSolver> kSolvers[] = {
    {OdeSolver::Euler, "euler"}, {OdeSolver::Heun, "heun"}, {OdeSolver::Rk4, "rk4"}};
constexpr NamedValue<TraceKind> kTraces[] = {{TraceKind::Exact, "exact"},
                                             {TraceKind::Hutchinson, "hutchinson"}};
constexpr NamedValue<ProbeKind> kProbes[] = {{ProbeKind::Gaussian, "gaussian"},
                                             {ProbeKind::Rademacher, "rademacher"}};

// The augmented state's derivative at (x, u): the velocity and, per probe (or the one exact
// trace), the divergence estimate.
struct Rate {
  glm::dvec2 v;
  std::vector<double> div;
};

Rate rate(const ExactModel& model, OdePath path, glm::dvec2 x, double u,
          const std::vector<glm::dvec2>& probes) {
  const glm::dvec2 st = pathScales(path, u);
  const glm::dvec2 d = model.denoise(x, st.x, st.y);
  const glm::dmat2 j = model.denoiserJacobian(x, st.x, st.y);
  Rate r{(x - d) / u, {}};
  if (probes.empty()) {
    r.div.push_back((2.0 - j[0][0] - j[1][1]) / u);
  } else {
    for (const glm::dvec2& e : probes) r.div.push_back((glm::dot(e, e) - glm::dot(e, j * e)) / u);
  }
  return r;
}

std::vector<glm::dvec2> drawProbes(const OdeLikelihoodSpec& s, uint64_t pointIndex) {
  std::vector<glm::dvec2> out;
  if (s.trace == TraceKind::Exact) return out;
  Pcg32 rng(s.seed, pointIndex);
  for (int k = 0; k < s.probes; ++k) {
    if (s.probe == ProbeKind::Gaussian) {
      const double a = rng.normal(), b = rng.normal();
      out.push_back({a, b});
    } else {
      const double a = rng.uniform() < 0.5 ? -1.0 : 1.0, b = rng.uniform() < 0.5 ? -1.0 : 1.0;
      out.push_back({a, b});
    }
  }
  return out;
}

// One step from (x, u) to u + h: the state's change and each probe's integral over the step.
Rate step(const ExactModel& m, const OdeLikelihoodSpec& s, glm::dvec2 x, double u, double h,
          const std::vector<glm::dvec2>& probes) {
  const Rate k1 = rate(m, s.path, x, u, probes);
  if (s.solver == OdeSolver::Euler) {
    Rate out{h * k1.v, k1.div};
    for (double& d : out.div) d *= h;
    return out;
  }
  if (s.solver == OdeSolver::Heun) {
    const Rate k2 = rate(m, s.path, x + h * k1.v, u + h, probes);
    Rate out{0.5 * h * (k1.v + k2.v), k1.div};
    for (size_t i = 0; i < out.div.size(); ++i) out.div[i] = 0.5 * h * (k1.div[i] + k2.div[i]);
    return out;
  }
  const Rate k2 = rate(m, s.path, x + 0.5 * h * k1.v, u + 0.5 * h, probes);
  const Rate k3 = rate(m, s.path, x + 0.5 * h * k2.v, u + 0.5 * h, probes);
  const Rate k4 = rate(m, s.path, x + h * k3.v, u + h, probes);
  Rate out{h / 6.0 * (k1.v + 2.0 * k2.v + 2.0 * k3.v + k4.v), k1.div};
  for (size_t i = 0; i < out.div.size(); ++i)
    out.div[i] = h / 6.0 * (k1.div[i] + 2.0 * k2.div[i] + 2.0 * k3.div[i] + k4.div[i]);
  return out;
}

double endDensity(const ExactModel& m, const OdeLikelihoodSpec& s, glm::dvec2 x, double u) {
  const glm::dvec2 st = pathScales(s.path, u);
  const double own = m.evaluate(x, st.x, st.y).logp;
  if (std::isfinite(own)) return own;
  const double var = st.y * st.y + st.x * st.x * s.sigmaData * s.sigmaData;
  return -glm::dot(x, x) / (2.0 * var) - std::log(2.0 * std::numbers::pi * var);
}

}  // namespace

std::string odePathName(OdePath p) {
  return nameIn(kPaths, p);
}
OdePath parseOdePath(const std::string& n) {
  return parseIn(kPaths, n, "path");
}
std::string odeSolverName(OdeSolver s) {
  return nameIn(kSolvers, s);
}
OdeSolver parseOdeSolver(const std::string& n) {
  return parseIn(kSolvers, n, "solver");
}
std::string traceKindName(TraceKind t) {
  return nameIn(kTraces, t);
}
TraceKind parseTraceKind(const std::string& n) {
  return parseIn(kTraces, n, "trace");
}
std::string probeKindName(ProbeKind p) {
  return nameIn(kProbes, p);
}
ProbeKind parseProbeKind(const std::string& n) {
  return parseIn(kProbes, n, "probe");
}

void validate(const OdeLikelihoodSpec& s) {
  requireInRange("steps", s.steps, 1, 100000);
  requireInRange("probes", s.probes, 1, 4096);
  const double end = s.path == OdePath::Edm ? s.sigmaMax : 1.0;
  if (s.path == OdePath::Edm) requireInRange("sigma max", s.sigmaMax, 1e-3, 1e4);
  if (!(s.uMin > 0.0 && s.uMin < end))
    throw InputError("start: must be above 0 and below the path's end " + formatNumber(end) +
                     " (got " + formatNumber(s.uMin) + ")");
  if (!(s.sigmaData > 0.0 && s.sigmaData <= 1e3))
    throw InputError("sigma data: must be above 0 and at most 1000");
}

glm::dvec2 pathScales(OdePath path, double u) {
  return path == OdePath::Edm ? glm::dvec2(1.0, u) : glm::dvec2(1.0 - u, u);
}

std::vector<double> odeLevels(const OdeLikelihoodSpec& s) {
  // EDM's spacing (Karras et al. 2022, eq. 5, rho = 7) between u_min and the end, on either path:
  // the steps crowd where the data's detail is resolved (small sigma, small t).
  const double end = s.path == OdePath::Edm ? s.sigmaMax : 1.0, rho = 7.0;
  const double a = std::pow(s.uMin, 1.0 / rho), b = std::pow(end, 1.0 / rho);
  std::vector<double> u;
  for (int i = 0; i <= s.steps; ++i) u.push_back(std::pow(a + (b - a) * i / s.steps, rho));
  u.front() = s.uMin;
  u.back() = end;
  return u;
}

OdeLikelihood odeLikelihood(const ExactModel& model, glm::dvec2 x, const OdeLikelihoodSpec& s,
                            uint64_t pointIndex, OdeTrajectory* trajectory) {
  const std::vector<double> u = odeLevels(s);
  const std::vector<glm::dvec2> probes = drawProbes(s, pointIndex);
  std::vector<double> integral(std::max<size_t>(1, probes.size()), 0.0);
  std::vector<double> running{0.0};
  std::vector<glm::dvec2> path{x};
  for (size_t n = 0; n + 1 < u.size(); ++n) {
    const Rate d = step(model, s, x, u[n], u[n + 1] - u[n], probes);
    x += d.v;
    double mean = 0.0;
    for (size_t k = 0; k < integral.size(); ++k) {
      integral[k] += d.div[k];
      mean += integral[k];
    }
    if (trajectory) {
      path.push_back(x);
      running.push_back(mean / double(integral.size()));
    }
  }
  OdeLikelihood out;
  out.end = x;
  out.endLogp = endDensity(model, s, x, u.back());
  double mean = 0.0, sq = 0.0;
  for (double v : integral) mean += v;
  mean /= double(integral.size());
  for (double v : integral) sq += (v - mean) * (v - mean);
  out.divergence = mean;
  out.logp = out.endLogp + mean;
  if (!probes.empty()) {
    out.probeIntegrals = integral;
    out.standardError = integral.size() > 1
                            ? std::sqrt(sq / double(integral.size() - 1) / double(integral.size()))
                            : 0.0;
  }
  if (trajectory) {
    trajectory->points = std::move(path);
    trajectory->logDensity.clear();
    for (double r : running) trajectory->logDensity.push_back(out.logp - r);
  }
  return out;
}

std::vector<OdeLikelihood> odeLikelihoods(const ExactModel& model,
                                          const std::vector<glm::dvec2>& points,
                                          const OdeLikelihoodSpec& spec) {
  validate(spec);
  std::vector<OdeLikelihood> out(points.size());
  parallelFor(
      points.size(), [&](size_t i) { out[i] = odeLikelihood(model, points[i], spec, i); }, 1);
  return out;
}

double velocityDivergence(const ExactModel& model, OdePath path, glm::dvec2 x, double u) {
  const glm::dvec2 st = pathScales(path, u);
  const glm::dmat2 j = model.denoiserJacobian(x, st.x, st.y);
  return (2.0 - j[0][0] - j[1][1]) / u;
}

}  // namespace flowscope
