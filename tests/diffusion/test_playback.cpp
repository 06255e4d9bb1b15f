// Playback clock and the lab's simulation lifetime.
#include <gtest/gtest.h>

#include <cmath>

#include "CompareAt.h"
#include "DiffusionLab.h"
#include "InputError.h"
#include "Playback.h"

using namespace flowscope;

TEST(Playback, AdvancesAtTheRequestedRateAndStopsOrLoops) {
  Playback p;
  p.play();
  for (int i = 0; i < 10; ++i) p.tick(0.1, 4.0, 18, false);  // 1 s at 4 steps/s
  EXPECT_EQ(p.target(), 4);
  for (int i = 0; i < 100; ++i) p.tick(0.1, 4.0, 18, false);
  EXPECT_EQ(p.target(), 18);
  EXPECT_FALSE(p.playing()) << "without loop, playing stops at the end";
  Playback looping;
  looping.play();
  for (int i = 0; i < 45; ++i) looping.tick(0.1, 4.0, 18, true);  // 4.5 s reaches the end
  EXPECT_EQ(looping.target(), 18);
  for (int i = 0; i < 16; ++i) looping.tick(0.1, 4.0, 18, true);  // hold 1.5 s, then restart
  EXPECT_EQ(looping.target(), 0);
  EXPECT_TRUE(looping.playing());
}

TEST(Playback, ManualStepsPauseAndClamp) {
  Playback p;
  p.play();
  p.stepForward(5);
  EXPECT_FALSE(p.playing());
  EXPECT_EQ(p.target(), 1);
  p.stepBack(5);
  p.stepBack(5);
  EXPECT_EQ(p.target(), 0);
  p.scrub(99, 5);
  EXPECT_EQ(p.target(), 5);
  p.play();
  p.tick(10.0, 1.0, 100, false);  // a stalled frame advances at most a quarter second
  EXPECT_EQ(p.target(), 5);
}

TEST(DiffusionLab, SamplingChangesRestartTheRunDisplayChangesDoNot) {
  DiffusionLab lab(defaultDiffusionScene());
  lab.params().setParticleCount(1000);
  DiffusionSimulation* first = &lab.simulation(nullptr, {});
  lab.params().setTrailLength(3);
  EXPECT_EQ(&lab.simulation(nullptr, {}), first);
  std::unique_ptr<DiffusionSimulation> retired;
  lab.params().setSteps(7);
  DiffusionSimulation& second = lab.simulation(
      nullptr, [&](std::unique_ptr<DiffusionSimulation> old) { retired = std::move(old); });
  ASSERT_EQ(retired.get(), first) << "the replaced run is handed over, not destroyed";
  EXPECT_EQ(retired->steps(), 18);
  EXPECT_EQ(second.steps(), 7);
  lab.playback().scrub(7, 7);
  lab.params().setSteps(3);
  lab.simulation(nullptr, {});
  EXPECT_EQ(lab.playback().target(), 3) << "the shown step is clamped to the new run";
}

// The split view's pairing (CompareAt). DDIM on the linear schedule beside Heun on Karras, 20 steps
// each: equal step pairs k with k; equal NFE pairs DDIM's k evaluations with Heun's 2 per step
// (2N - 1 at the end), so k with floor(k / 2), and the end with the end; equal sigma pairs the
// nearest log sigma, sigma 0 with sigma 0.
TEST(CompareAt, PairsStatesByStepSigmaOrEvaluations) {
  const auto data = resolve(DataSource::ofPreset("moons"));
  SamplingConfig ddim;
  ddim.sampler.kind = SamplerKind::Ddim;
  ddim.schedule.kind = ScheduleKind::Linear;
  ddim.schedule.steps = 20;
  ddim.particleCount = 64;
  SamplingConfig heun = ddim;
  heun.sampler.kind = SamplerKind::Heun;
  heun.schedule = ScheduleParams{};  // karras, sigma 0.002 .. 80
  heun.schedule.steps = 20;
  const DiffusionSimulation a(data, ddim, nullptr), b(data, heun, nullptr);
  ASSERT_EQ(b.evaluations(5), 10);
  ASSERT_EQ(b.evaluations(20), 39);
  for (int k = 0; k <= 20; ++k) {
    EXPECT_EQ(compareState(CompareAt::Step, a, k, b), k);
    EXPECT_EQ(a.evaluations(k), k);
    EXPECT_EQ(compareState(CompareAt::Nfe, a, k, b), k == 20 ? 10 : k / 2) << k;
  }
  EXPECT_EQ(compareState(CompareAt::Sigma, a, 20, b), 20);  // sigma 0
  for (int k = 0; k < 20; ++k) {
    const int j = compareState(CompareAt::Sigma, a, k, b);
    const double target = std::log(a.sigma(k));
    const auto gap = [&](int i) { return std::abs(std::log(b.sigma(i)) - target); };
    for (int i = 0; i < 20; ++i) EXPECT_LE(gap(j), gap(i)) << k << " paired with " << j;
  }
  // A flow run starts at infinite sigma: the start pairs with the start.
  SamplingConfig flow = ddim;
  flow.sampler.kind = SamplerKind::FlowEuler;
  flow.schedule.kind = ScheduleKind::Flow;
  const DiffusionSimulation f(data, flow, nullptr);
  ASSERT_FALSE(std::isfinite(f.sigma(0)));
  EXPECT_EQ(compareState(CompareAt::Sigma, f, 0, b), 0);
  EXPECT_EQ(parseCompareAt("nfe"), CompareAt::Nfe);
  EXPECT_THROW(parseCompareAt("time"), InputError);
}
