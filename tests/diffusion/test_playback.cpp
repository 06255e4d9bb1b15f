// Playback clock and the lab's simulation lifetime.
#include <gtest/gtest.h>

#include "DiffusionLab.h"
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
