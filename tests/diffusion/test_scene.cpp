// DiffusionScene files: exact round trips and errors that name the file and the field.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "DiffusionScene.h"
#include "InputError.h"

using namespace flowscope;

TEST(DiffusionScene, SaveLoadSaveIsByteIdentical) {
  DiffusionScene s = defaultDiffusionScene();
  s.params.setSteps(25);
  s.params.setSigmaMax(60.5);
  s.params.chooseSampler(SamplerKind::Euler);
  s.params.setParticleCount(12345);
  s.params.setSeed(987654321);
  s.params.setField(FieldKind::DenoiserDisplacement);
  s.params.setTrailLength(7);
  s.params.setCompareAt(CompareAt::Sigma);
  s.camera.center = {0.1, -1.0 / 3.0};
  s.camera.height = 5.123456789012345;
  s.step = 9;
  std::string first = diffusionSceneToString(s);
  DiffusionScene back = diffusionSceneFromJson(nlohmann::json::parse(first), "mem");
  EXPECT_EQ(diffusionSceneToString(back), first);
  EXPECT_TRUE(back.params == s.params);
  EXPECT_EQ(back.camera.center.y, s.camera.center.y);
  EXPECT_EQ(back.step, 9);
  EXPECT_EQ(back.params.compareAt(), CompareAt::Sigma);
}

TEST(DiffusionScene, ErrorsNameFileAndField) {
  nlohmann::json good = diffusionSceneToJson(defaultDiffusionScene());
  struct Case {
    std::function<void(nlohmann::json&)> edit;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](auto& j) { j["sampling"]["steps"] = 0; }, "sampling.steps"},
      {[](auto& j) { j["sampling"]["sigma_min"] = -1; }, "sampling.sigma_min"},
      {[](auto& j) { j["sampling"]["sigma_max"] = 0.001; }, "sampling.sigma_max"},
      {[](auto& j) { j["sampling"]["sampler"] = "rk4"; }, "sampling.sampler"},
      {[](auto& j) { j["sampling"]["particles"] = 5; }, "sampling.particles"},
      {[](auto& j) { j["display"]["trail_length"] = "long"; }, "display.trail_length"},
      {[](auto& j) { j["display"]["compare_at"] = "time"; }, "display.compare_at"},
      {[](auto& j) { j["camera"]["height"] = 0; }, "camera.height"},
      {[](auto& j) {
         j["data"]["covariances"][2] = {{1, 3}, {3, 1}};
       },
       "data.covariances[2]"},
      {[](auto& j) { j["step"] = 99; }, "step"},
      {[](auto& j) { j["colour"] = 1; }, "colour"},
      {[](auto& j) { j.erase("seed"); }, "seed"},
  };
  for (auto& c : cases) {
    nlohmann::json j = good;
    c.edit(j);
    try {
      diffusionSceneFromJson(j, "bad.json");
      ADD_FAILURE() << "accepted a bad " << c.field;
    } catch (const InputError& e) {
      std::string msg = e.what();
      EXPECT_EQ(msg.rfind("bad.json: field '" + c.field + "'", 0), 0u) << msg;
    }
  }
}

TEST(DiffusionScene, MalformedFileIsAnInputError) {
  auto path = std::filesystem::temp_directory_path() / "flowscope-malformed.json";
  std::ofstream(path) << "{\"flowscope_scene\": 1,";
  EXPECT_THROW(loadDiffusionScene(path.string()), InputError);
  EXPECT_THROW(loadDiffusionScene("/nonexistent/scene.json"), InputError);
  std::filesystem::remove(path);
}

TEST(DiffusionScene, EverySamplerAndDataSourceRoundTrips) {
  for (SamplerKind kind : allSamplers()) {
    DiffusionScene s = defaultDiffusionScene();
    s.params.chooseSampler(kind);
    SamplerParams sp = s.params.sampler();
    sp.eta = 0.5;
    sp.sChurn = 7.0;
    s.params.setSampler(sp);
    s.data = kind == SamplerKind::Ddpm ? DataSource::ofPreset("moons")
                                       : DataSource::ofPoints({{0, 1}, {2, 3}});
    s.data.unitVariance = kind == SamplerKind::Ddim;
    s.dataset = resolve(s.data);
    std::string first = diffusionSceneToString(s);
    DiffusionScene back = diffusionSceneFromJson(nlohmann::json::parse(first), "mem");
    EXPECT_EQ(diffusionSceneToString(back), first) << samplerKindName(kind);
    EXPECT_TRUE(back.params == s.params) << samplerKindName(kind);
  }
}

TEST(DiffusionParams, IncompatiblePairsAreRefusedAndChoosingASamplerPicksASchedule) {
  DiffusionParams p;
  SamplerParams ddim;
  ddim.kind = SamplerKind::Ddim;
  EXPECT_THROW(p.setSampler(ddim), InputError) << "karras is not a VP schedule";
  EXPECT_EQ(p.sampler().kind, SamplerKind::Heun);
  EXPECT_TRUE(p.chooseSampler(SamplerKind::Ddim));
  EXPECT_EQ(p.schedule().kind, ScheduleKind::Linear);
  EXPECT_FALSE(p.chooseSampler(SamplerKind::Ddpm));
  ScheduleParams flow = p.schedule();
  flow.kind = ScheduleKind::Flow;
  EXPECT_THROW(p.setSchedule(flow), InputError);
}

TEST(DiffusionParams, SettersRejectAndKeepTheOldValue) {
  DiffusionParams p;
  int steps = p.schedule().steps;
  auto rev = p.samplingRevision();
  EXPECT_THROW(p.setSteps(0), InputError);
  EXPECT_THROW(p.setSigmaMin(100.0), InputError);
  EXPECT_THROW(p.setParticleCount(DiffusionParams::kMaxParticles + 1), InputError);
  EXPECT_EQ(p.schedule().steps, steps);
  EXPECT_EQ(p.samplingRevision(), rev);
  p.setSteps(30);
  EXPECT_GT(p.samplingRevision(), rev);
}
