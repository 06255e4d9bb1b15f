// Schedules against published values, samplers against closed forms (CPU twins).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "Dataset.h"
#include "DiffusionSimulation.h"
#include "InputError.h"
#include "Metrics.h"
#include "NoiseSchedule.h"
#include "Rng.h"
#include "Samplers.h"

using namespace flowscope;

namespace {

ScheduleParams schedule(ScheduleKind kind, int steps) {
  ScheduleParams p;
  p.kind = kind;
  p.steps = steps;
  if (kind == ScheduleKind::Ve) p.sigmaMin = 0.01, p.sigmaMax = 50.0;
  return p;
}

// Runs a sampler from x_start (one particle per entry) through the schedule, on the CPU.
std::vector<ParticleState> run(const ExactModel& m, const SamplerParams& sp,
                               const std::vector<NoiseLevel>& levels, std::vector<ParticleState> x,
                               uint32_t seed = 1) {
  std::vector<ParticleState> next(x.size());
  for (int i = 0; i + 1 < int(levels.size()); ++i) {
    samplerStepCpu(m, makeStepContext(sp, levels, i, seed), x, next);
    std::swap(x, next);
  }
  return x;
}

std::vector<ParticleState> initial(size_t n, double tau, uint64_t seed) {
  Pcg32 rng(seed);
  std::vector<ParticleState> x(n);
  for (auto& p : x)
    p = ParticleState(float(tau * rng.normal()), float(tau * rng.normal()), 0.0f, 0.0f);
  return x;
}

}  // namespace

TEST(Schedules, LinearAndCosineMatchPublishedAlphaBar) {
  ScheduleParams p = schedule(ScheduleKind::Linear, 10);
  auto ab = discreteAlphaBar(p);
  // numpy: np.cumprod(1 - np.linspace(1e-4, 0.02, 1000)) at 0, 499, 999.
  EXPECT_NEAR(ab[0], 0.9999, 1e-15);
  EXPECT_NEAR(ab[499], 0.07858724288177824, 1e-12);
  EXPECT_NEAR(ab[999], 4.035829765375676e-05, 1e-15);
  p.kind = ScheduleKind::Cosine;
  ab = discreteAlphaBar(p);
  // Nichol & Dhariwal: where no beta is clipped, alphabar_t = f((t+1)/T) / f(0).
  auto f = [](double t) {
    return std::pow(std::cos((t + 0.008) / 1.008 * std::numbers::pi / 2), 2);
  };
  EXPECT_NEAR(ab[499], f(0.5) / f(0.0), 1e-12);
  EXPECT_NEAR(ab[499], 0.4938435904406382, 1e-12);
  EXPECT_NEAR(ab[999], 2.4287669070348567e-09, 1e-18);
}

TEST(Schedules, SpacingsPickTheDocumentedTimesteps) {
  // Lin et al. 2024, Table 2 (0-indexed): T = 1000, N = 10.
  EXPECT_EQ(discreteTimesteps(1000, 10, Spacing::Leading),
            (std::vector<int>{900, 800, 700, 600, 500, 400, 300, 200, 100, 0}));
  EXPECT_EQ(discreteTimesteps(1000, 10, Spacing::Trailing),
            (std::vector<int>{999, 899, 799, 699, 599, 499, 399, 299, 199, 99}));
  EXPECT_EQ(discreteTimesteps(1000, 10, Spacing::Linspace),
            (std::vector<int>{999, 888, 777, 666, 555, 444, 333, 222, 111, 0}));
}

TEST(Schedules, EveryProcessEndsAtTheDataAndVpPreservesVariance) {
  for (auto kind : {ScheduleKind::Linear, ScheduleKind::Cosine, ScheduleKind::Vp, ScheduleKind::Ve,
                    ScheduleKind::Karras, ScheduleKind::Flow}) {
    auto levels = buildSchedule(schedule(kind, 12));
    ASSERT_EQ(levels.size(), 13u) << scheduleName(kind);
    EXPECT_EQ(levels.back().tau, 0.0);
    EXPECT_EQ(levels.back().s, 1.0);
    for (size_t i = 1; i < levels.size(); ++i)
      EXPECT_LT(levels[i].sigma(), levels[i - 1].sigma()) << scheduleName(kind);
    for (const auto& l : levels) {
      if (kind == ScheduleKind::Linear || kind == ScheduleKind::Cosine ||
          kind == ScheduleKind::Vp) {
        EXPECT_NEAR(l.s * l.s + l.tau * l.tau, 1.0, 1e-12);
      }
      if (kind == ScheduleKind::Flow) {
        EXPECT_NEAR(l.s + l.tau, 1.0, 1e-15);
      }
    }
  }
  auto ve = buildSchedule(schedule(ScheduleKind::Ve, 12));
  EXPECT_NEAR(ve[0].tau, 50.0, 1e-12);
  EXPECT_NEAR(ve[11].tau, 0.01, 1e-15);
  EXPECT_NEAR(ve[1].tau / ve[0].tau, ve[2].tau / ve[1].tau, 1e-12) << "geometric";
}

TEST(Schedules, VpSdeMarginalsMatchAForwardSimulation) {
  // dx = -beta(t)/2 x dt + sqrt(beta(t)) dw from x0 = 1.5: at t = 0.5 the marginal is
  // N(sqrt(abar) x0, 1 - abar) with abar = exp(-t^2 (bmax - bmin)/2 - t bmin).
  ScheduleParams p = schedule(ScheduleKind::Vp, 3);  // t = 1, 0.5005, 0.001
  auto levels = buildSchedule(p);
  const double t = levels[1].t;
  Pcg32 rng(4);
  const int n = 20000, steps = 2000;
  double mean = 0, sq = 0;
  for (int k = 0; k < n; ++k) {
    double x = 1.5;
    for (int i = 0; i < steps; ++i) {
      double ti = t * i / steps, dt = t / steps, beta = p.betaMin + ti * (p.betaMax - p.betaMin);
      x += -0.5 * beta * x * dt + std::sqrt(beta * dt) * rng.normal();
    }
    mean += x;
    sq += x * x;
  }
  mean /= n;
  double var = sq / n - mean * mean;
  EXPECT_NEAR(mean, levels[1].s * 1.5, 0.02);
  EXPECT_NEAR(var, levels[1].tau * levels[1].tau, 0.02);
}

TEST(Samplers, IncompatiblePairsAreRefusedNamingTheValidOnes) {
  try {
    checkCompatible(SamplerKind::Ddim, ScheduleKind::Karras);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("linear, cosine, vp"), std::string::npos) << e.what();
  }
  EXPECT_THROW(checkCompatible(SamplerKind::FlowEuler, ScheduleKind::Ve), InputError);
  EXPECT_THROW(checkCompatible(SamplerKind::Langevin, ScheduleKind::Karras), InputError);
  EXPECT_NO_THROW(checkCompatible(SamplerKind::Heun, ScheduleKind::Cosine));
  EXPECT_THROW(parseSamplerKind("rk45"), InputError);
}

namespace {
// Gaussian data N(mu, c I). The probability-flow ODE map from the start to the data is linear:
//   sigma-space samplers (any diffusion schedule): x0 = mu + sqrt(c/(c + sigma_0^2)) (x/s_0 - mu)
//   flow: x0 = mu + sqrt(c) x_1.
const glm::dvec2 kMu(1.0, -0.5);
const double kC = 0.5;

double odeError(SamplerKind kind, ScheduleKind sched, int steps) {
  GaussianMixture g({{1.0, kMu, kC, 0.0, kC}});
  SamplerParams sp;
  sp.kind = kind;
  auto levels = buildSchedule(schedule(sched, steps));
  std::vector<ParticleState> x = {
      ParticleState(0.7f * float(levels[0].tau), -1.1f * float(levels[0].tau), 0, 0)};
  glm::dvec2 start(x[0].x, x[0].y);
  glm::dvec2 exact = sched == ScheduleKind::Flow
                         ? kMu + std::sqrt(kC) * start
                         : kMu + std::sqrt(kC / (kC + levels[0].sigma() * levels[0].sigma())) *
                                     (start / levels[0].s - kMu);
  auto end = run(g, sp, levels, x);
  return glm::length(glm::dvec2(end[0].x, end[0].y) - exact);
}
}  // namespace

TEST(Samplers, DeterministicSamplersConvergeAtTheirOrderOnGaussianData) {
  struct Case {
    SamplerKind kind;
    ScheduleKind sched;
    double order;
  };
  for (Case c : {Case{SamplerKind::Euler, ScheduleKind::Karras, 1},
                 Case{SamplerKind::Heun, ScheduleKind::Karras, 2},
                 Case{SamplerKind::DpmPP2M, ScheduleKind::Karras, 2},
                 Case{SamplerKind::FlowEuler, ScheduleKind::Flow, 1},
                 Case{SamplerKind::FlowHeun, ScheduleKind::Flow, 2}}) {
    double e1 = odeError(c.kind, c.sched, 16), e2 = odeError(c.kind, c.sched, 32),
           e3 = odeError(c.kind, c.sched, 64);
    double expected = std::pow(2.0, c.order);
    EXPECT_NEAR(e1 / e2, expected, 0.25 * expected)
        << samplerKindName(c.kind) << " " << e1 << " " << e2;
    EXPECT_NEAR(e2 / e3, expected, 0.2 * expected)
        << samplerKindName(c.kind) << " " << e2 << " " << e3;
  }
  // The midpoint rule reaches float32 rounding of the state by N = 32: measure it on coarse grids.
  EXPECT_GT(odeError(SamplerKind::FlowMidpoint, ScheduleKind::Flow, 4) /
                odeError(SamplerKind::FlowMidpoint, ScheduleKind::Flow, 8),
            3.2);
  // The same ODE on a VP process (x = s xh): converges too.
  EXPECT_GT(odeError(SamplerKind::Heun, ScheduleKind::Vp, 32) /
                odeError(SamplerKind::Heun, ScheduleKind::Vp, 64),
            3.2);
}

TEST(Samplers, DdimEtaZeroIsDeterministicEtaOneHasDdpmVariance) {
  GaussianMixture g = GaussianMixture::ring();
  auto levels = buildSchedule(schedule(ScheduleKind::Linear, 20));
  SamplerParams ddim;
  ddim.kind = SamplerKind::Ddim;
  auto x = initial(500, levels[0].tau, 2);
  EXPECT_EQ(run(g, ddim, levels, x, 1), run(g, ddim, levels, x, 99)) << "eta = 0 ignores the noise";
  // One step from the same point: with eta = 1, DDIM's spread equals DDPM's posterior variance.
  ddim.eta = 1.0;
  SamplerParams ddpm;
  ddpm.kind = SamplerKind::Ddpm;
  const int step = 10;
  std::vector<ParticleState> same(20000, ParticleState(0.3f, -0.2f, 0, 0)), a(same.size()),
      b(same.size());
  samplerStepCpu(g, makeStepContext(ddim, levels, step, 5), same, a);
  samplerStepCpu(g, makeStepContext(ddpm, levels, step, 6), same, b);
  auto var = [](const std::vector<ParticleState>& v) {
    double m = 0, q = 0;
    for (auto& p : v) m += p.x, q += double(p.x) * p.x;
    m /= v.size();
    return q / v.size() - m * m;
  };
  const double ab = levels[step].alphaBar(), abNext = levels[step + 1].alphaBar();
  const double posterior = (1 - abNext) / (1 - ab) * (1 - ab / abNext);
  EXPECT_NEAR(var(a), posterior, 0.03 * posterior);
  EXPECT_NEAR(var(b), posterior, 0.03 * posterior);
}

TEST(Samplers, EachReachesTheMixtureAtItsUsualStepCount) {
  GaussianMixture g = GaussianMixture::ring();
  auto reference = g.sample(1500, 21), other = g.sample(1500, 22);
  const double baseline = energyDistance(other, reference);
  struct Case {
    SamplerKind kind;
    ScheduleKind sched;
    int steps;
  };
  for (Case c : {Case{SamplerKind::Ddpm, ScheduleKind::Linear, 1000},
                 Case{SamplerKind::Ddpm, ScheduleKind::Cosine, 250},
                 Case{SamplerKind::Ddim, ScheduleKind::Linear, 50},
                 Case{SamplerKind::Euler, ScheduleKind::Karras, 50},
                 Case{SamplerKind::Heun, ScheduleKind::Karras, 18},
                 Case{SamplerKind::EdmStochastic, ScheduleKind::Karras, 40},
                 Case{SamplerKind::EulerMaruyama, ScheduleKind::Karras, 200},
                 Case{SamplerKind::DpmPP2M, ScheduleKind::Karras, 15},
                 Case{SamplerKind::Langevin, ScheduleKind::Ve, 30},
                 Case{SamplerKind::FlowEuler, ScheduleKind::Flow, 50},
                 Case{SamplerKind::FlowMidpoint, ScheduleKind::Flow, 20},
                 Case{SamplerKind::FlowHeun, ScheduleKind::Flow, 20}}) {
    SamplerParams sp;
    sp.kind = c.kind;
    sp.sChurn = 20.0;
    auto levels = buildSchedule(schedule(c.sched, c.steps));
    auto out = run(g, sp, levels, initial(1500, levels[0].tau, 8), 3);
    std::vector<glm::dvec2> pts;
    for (auto& p : out) pts.push_back({p.x, p.y});
    double ed = energyDistance(pts, reference);
    EXPECT_LT(ed, 4.0 * baseline + 2e-3)
        << samplerKindName(c.kind) << " on " << scheduleName(c.sched) << ": " << ed << " (baseline "
        << baseline << ")";
  }
}

TEST(Samplers, EvaluationCountsPerStep) {
  auto levels = buildSchedule(schedule(ScheduleKind::Karras, 10));
  auto total = [&](SamplerParams sp) {
    int n = 0;
    for (int i = 0; i < 10; ++i) n += stepEvaluations(sp, levels, i);
    return n;
  };
  SamplerParams sp;
  sp.kind = SamplerKind::Heun;
  EXPECT_EQ(total(sp), 19);
  sp.kind = SamplerKind::DpmPP2M;
  EXPECT_EQ(total(sp), 10);
  sp.kind = SamplerKind::FlowMidpoint;
  EXPECT_EQ(total(sp), 20);
  sp.kind = SamplerKind::Langevin;
  sp.langevinStepsPerLevel = 7;
  EXPECT_EQ(total(sp), 71);
}

TEST(EmpiricalModel, TinySigmaReturnsTheNearestPointAndMatchesAMixtureOfDeltas) {
  EmpiricalModel m({{0.0, 0.0}, {1.0, 0.0}, {0.0, 2.0}}, "pts");
  EXPECT_EQ(m.denoise({0.8, 0.1}, 1.0, 1e-3), glm::dvec2(1.0, 0.0));
  EXPECT_EQ(m.denoise({0.1, 1.9}, 1.0, 0.0), glm::dvec2(0.0, 2.0));
  // Against an equal-weight mixture of (almost) deltas evaluated by the mixture code.
  GaussianMixture g(
      {{1, {0, 0}, 1e-12, 0, 1e-12}, {1, {1, 0}, 1e-12, 0, 1e-12}, {1, {0, 2}, 1e-12, 0, 1e-12}});
  for (double tau : {0.3, 1.0, 4.0}) {
    auto a = m.evaluate({0.4, 0.7}, 0.8, tau), b = g.evaluate({0.4, 0.7}, 0.8, tau);
    EXPECT_NEAR(a.logp, b.logp, 1e-9);
    EXPECT_NEAR(a.denoised.x, b.denoised.x, 1e-9);
    EXPECT_NEAR(a.score.y, b.score.y, 1e-9);
  }
}

TEST(Datasets, PresetsLoadAndFilesReportTheLine) {
  for (const auto& name : presetNames()) {
    Dataset d = loadDataset(name);
    EXPECT_GT(d.variance(), 0.1) << name;
    Dataset unit = rescaledToUnitVariance(d);
    EXPECT_NEAR(unit.variance(), 1.0, 1e-9) << name;
  }
  auto path = std::filesystem::temp_directory_path() / "flowscope-points.csv";
  std::ofstream(path) << "x,y\n1,2\n3,oops\n";
  try {
    loadDataset(path.string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  std::ofstream(path) << "a,b\n1,2\n";
  EXPECT_THROW(loadDataset(path.string()), InputError);
  std::filesystem::remove(path);
  EXPECT_THROW(loadDataset("no-such-preset"), InputError);
}

TEST(Metrics, SlicedW2AndTrajectoryGeometryMatchClosedForms) {
  GaussianMixture g = GaussianMixture::ring();
  auto x = g.sample(4000, 1);
  std::vector<glm::dvec2> shifted;
  const glm::dvec2 a(0.6, -0.8);  // |a| = 1: every projection moves by a.dir, E[(a.dir)^2] = 1/2
  for (auto p : x) shifted.push_back(p + a);
  EXPECT_NEAR(slicedWasserstein2(x, x, 64, 3), 0.0, 1e-12);
  EXPECT_NEAR(slicedWasserstein2(x, shifted, 2000, 3), 1.0 / std::sqrt(2.0), 0.02);
  std::vector<std::vector<glm::dvec2>> circle(1), line(1);
  for (int k = 0; k <= 100; ++k) {
    double th = 0.01 * k;
    circle[0].push_back(2.0 * glm::dvec2(std::cos(th), std::sin(th)));  // radius 2
    line[0].push_back(glm::dvec2(0.1 * k, 0.05 * k));
  }
  EXPECT_NEAR(trajectoryStats(circle).meanCurvature, 0.5, 1e-4);
  EXPECT_NEAR(trajectoryStats(line).meanStraightness, 1.0, 1e-12);
  EXPECT_NEAR(trajectoryStats(line).meanCurvature, 0.0, 1e-6);
  EXPECT_NEAR(trajectoryStats(line).meanPathLength, std::sqrt(0.01 + 0.0025) * 100, 1e-9);
}

TEST(DiffusionSimulation, TrackedPathsAndSingleParticleReplaysMatchTheRun) {
  SamplingConfig c;
  c.sampler.kind = SamplerKind::EulerMaruyama;  // stochastic: the replay must draw the same noise
  c.schedule.steps = 10;
  c.particleCount = 1000;
  DiffusionSimulation sim(resolve(DataSource::ofPreset("moons")), c, nullptr);
  sim.seek(10);
  auto paths = sim.trackedPaths();
  ASSERT_EQ(paths.size(), 256u);
  auto last = sim.positions(10);
  for (size_t i = 0; i < paths.size(); i += 37) {
    ASSERT_EQ(paths[i].size(), 11u);
    EXPECT_EQ(glm::vec2(paths[i].back()), last[i]);
  }
  for (uint32_t particle : {0u, 123u, 999u}) {
    auto path = sim.particlePath(particle, 10);
    EXPECT_EQ(glm::vec2(path.back()), last[particle]) << particle;
  }
}

TEST(Datasets, ShippedPngDensitiesLoadAsPointClouds) {
  for (const auto& image : shippedImages()) {
    Dataset d = loadDataset(image);
    ASSERT_TRUE(d.points.has_value()) << image;
    EXPECT_EQ(d.points->points().size(), size_t(kPresetPoints));
    for (const auto& p : d.points->points()) {
      EXPECT_LE(std::abs(p.x), 2.0) << "width maps to [-2, 2]";
      EXPECT_LE(std::abs(p.y), 2.0);
    }
  }
  // The smiley's dark ring: no mass at its centre, between the eyes and the mouth.
  Dataset smiley = loadDataset("assets:images/smiley.png");
  size_t nearCentre = 0;
  for (const auto& p : smiley.points->points()) nearCentre += glm::length(p) < 0.1;
  EXPECT_EQ(nearCentre, 0u);
  EXPECT_THROW(loadDataset("/nonexistent/image.png"), InputError);
}
