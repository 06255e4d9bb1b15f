#pragma once
// The exact likelihood of a continuous flow (Chen et al. 2018; Grathwohl et al. 2019, FFJORD;
// Song et al. 2021, appendix D.2): along the probability-flow ODE dx/du = v(x, u) the density
// obeys the instantaneous change of variables d log p(x(u), u) / du = -div v, so
//   log p_start(x) = log p_end(x(u_end)) + integral from u_start to u_end of div v(x(u), u) du.
// Two paths of the same marginals, both written v = (x - D(x; s, tau)) / u with tau = u:
//   edm:  x = x0 + sigma eps (s = 1), u = sigma from u_min to sigma_max;
//   flow: x = (1 - t) x0 + t eps (s = 1 - t), u = t from u_min to 1;
// the steps spaced as EDM's (Karras et al. 2022, eq. 5, rho = 7) on either path.
// div v = (2 - tr dD/dx) / u, with dD/dx from the model (ExactModel::denoiserJacobian: exact for
// mixtures, point clouds and networks). "exact" trace uses it; "hutchinson" estimates it as
// e^T (dv/dx) e with K probes e (Gaussian or Rademacher), fixed along the path as FFJORD does:
// each probe's integral is an unbiased estimate, their mean is reported with its standard error.
// The end density: the model's own at u_end when it has one (mixtures, point clouds), else the
// prior N(0, (tau^2 + s^2 sigma_data^2) I) of the path's end (exact for the flow path: N(0, I)).
#include <glm/glm.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "ExactModel.h"

namespace flowscope {

enum class OdePath { Edm, Flow };
enum class OdeSolver { Euler, Heun, Rk4 };
enum class TraceKind { Exact, Hutchinson };
enum class ProbeKind { Gaussian, Rademacher };
std::string odePathName(OdePath p);
OdePath parseOdePath(const std::string& name);  // InputError naming "path"
std::string odeSolverName(OdeSolver s);
OdeSolver parseOdeSolver(const std::string& name);  // "solver"
std::string traceKindName(TraceKind t);
TraceKind parseTraceKind(const std::string& name);  // "trace"
std::string probeKindName(ProbeKind p);
ProbeKind parseProbeKind(const std::string& name);  // "probe"

struct OdeLikelihoodSpec {
  OdePath path = OdePath::Edm;
  OdeSolver solver = OdeSolver::Heun;
  int steps = 256;         // 1 .. 100,000
  double uMin = 1e-5;      // the start: sigma_min (edm) or t_min (flow), > 0
  double sigmaMax = 80.0;  // edm's end
  TraceKind trace = TraceKind::Exact;
  int probes = 1;  // hutchinson: 1 .. 4096
  ProbeKind probe = ProbeKind::Rademacher;
  uint64_t seed = 0;       // hutchinson: the probes' draw (per point: seed, point index)
  double sigmaData = 0.5;  // the prior's data scale when the model has no density
};
void validate(const OdeLikelihoodSpec& s);  // InputError naming the field

// The path's levels u_0 = u_min < ... < u_steps = u_end, and its (s, tau) at u.
std::vector<double> odeLevels(const OdeLikelihoodSpec& s);
glm::dvec2 pathScales(OdePath path, double u);  // (s, tau)

struct OdeLikelihood {
  double logp = 0.0;  // the estimate of log p at the path's start
  double standardError =
      0.0;                  // hutchinson: the standard error of the probes' mean (0: exact trace)
  double endLogp = 0.0;     // log p_end(x(u_end))
  double divergence = 0.0;  // the integral of div v (its probes' mean)
  glm::dvec2 end{0.0};      // x(u_end)
  std::vector<double> probeIntegrals;  // hutchinson: each probe's integral
};

// One point's likelihood; `trajectory` (when given) receives x at each level and the running
// log-density estimate log p(x(u), u) = log p_start(x) - integral from u_min to u of div v.
struct OdeTrajectory {
  std::vector<glm::dvec2> points;
  std::vector<double> logDensity;
};
OdeLikelihood odeLikelihood(const ExactModel& model, glm::dvec2 x, const OdeLikelihoodSpec& spec,
                            uint64_t pointIndex = 0, OdeTrajectory* trajectory = nullptr);
// Many points on every core.
std::vector<OdeLikelihood> odeLikelihoods(const ExactModel& model,
                                          const std::vector<glm::dvec2>& points,
                                          const OdeLikelihoodSpec& spec);

// The divergence of the path's velocity at (x, u), exactly (the continuity-equation heatmap).
double velocityDivergence(const ExactModel& model, OdePath path, glm::dvec2 x, double u);

}  // namespace flowscope
