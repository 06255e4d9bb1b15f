// Class-conditional networks and labelled data: mixtures' "labels" and point clouds' label
// column; the one-hot class input on every backend against the double reference; a class folded
// into the first layer equals the network asked for it; label dropout's rate; and a conditional
// flow whose samples land in the class asked for (no class: both).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "Dataset.h"
#include "DiffusionParams.h"
#include "DiffusionSimulation.h"
#include "ErrorText.h"
#include "FastCpuMlp.h"
#include "InputError.h"
#include "LearnedModel.h"
#include "MlpTesting.h"
#include "MlpWeights.h"
#include "ReferenceMlp.h"
#include "Rng.h"
#include "Trainer.h"

using namespace flowscope;
using flowscope::testing::errorOf;
namespace fs = std::filesystem;
using flowscope::testing::expectMatchesReference;
using flowscope::testing::MlpInputs;
using flowscope::testing::seededInputs;

namespace {

// Four tight Gaussians: class 0 on the left, class 1 on the right.
GaussianMixture twoClasses() {
  std::vector<MixtureComponent> comps;
  for (glm::dvec2 m :
       {glm::dvec2(-2, 1), glm::dvec2(-2, -1), glm::dvec2(2, 1), glm::dvec2(2, -1)}) {
    MixtureComponent c;
    c.mean = m;
    c.a = c.c = 0.04;
    comps.push_back(c);
  }
  GaussianMixture g(comps, "two classes");
  g.setLabels({0, 0, 1, 1});
  return g;
}

}  // namespace

TEST(LabelledData, MixtureLabelsParseRoundTripAndFollowTheDraws) {
  const GaussianMixture g = twoClasses();
  EXPECT_EQ(g.classCount(), 2);
  const GaussianMixture back = GaussianMixture::fromJson(g.toJson(), "back");
  EXPECT_EQ(back.labels(), g.labels());
  std::vector<int> labels;
  const auto points = g.sample(2000, 4, &labels);
  EXPECT_EQ(points, g.sample(2000, 4));  // the labels change no draw
  for (size_t i = 0; i < points.size(); ++i) ASSERT_EQ(labels[i], points[i].x > 0.0 ? 1 : 0) << i;
  nlohmann::json j = g.toJson();
  j["labels"] = {0, 1};
  EXPECT_NE(errorOf([&] { GaussianMixture::fromJson(j, "m.json"); }).find("m.json: field 'labels'"),
            std::string::npos);
  j["labels"] = {0, 70, 1, 1};
  EXPECT_NE(errorOf([&] { GaussianMixture::fromJson(j, "m.json"); }).find("labels[1]"),
            std::string::npos);
  j["labels"] = {0, 0.5, 1, 1};
  EXPECT_NE(errorOf([&] { GaussianMixture::fromJson(j, "m.json"); }).find("labels[1]"),
            std::string::npos);
}

TEST(LabelledData, PointCloudsReadALabelColumn) {
  const fs::path dir = fs::temp_directory_path() / "flowscope_labels";
  fs::create_directories(dir);
  const std::string good = (dir / "l.csv").string(), bad = (dir / "b.csv").string();
  std::ofstream(good) << "x,y,label\n0,0,1\n1,1,0\n2,2,2\n";
  std::ofstream(bad) << "x,y,label\n0,0,1\n1,1,1.5\n";
  const Dataset d = loadDataset(good);
  EXPECT_EQ(d.pointLabels, (std::vector<int>{1, 0, 2}));
  EXPECT_EQ(d.classCount(), 3);
  EXPECT_EQ(rescaledToUnitVariance(d).pointLabels, d.pointLabels);
  EXPECT_NE(errorOf([&] { loadDataset(bad); }).find("line 3, column 3 (label)"), std::string::npos);
  // Where labels mean nothing (transport's point files) the column is refused.
  EXPECT_NE(errorOf([&] { readPointsCsv(good); }).find("expected the header x,y"),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(ConditionalMlp, TheFastBackendMatchesTheReferenceWithLabels) {
  MlpSpec spec;
  spec.width = 32;
  spec.depth = 2;
  spec.classes = 3;
  spec.embedding.width = 8;
  spec.embedding.scale = 1.0;
  FastCpuMlp fast(spec);
  const MlpInputs in = seededInputs(150, 9, spec.classes);
  expectMatchesReference(fast, spec, in);
  // The labels matter: the same rows with every label "no class" give other outputs.
  const std::vector<double> p = initialParameters(spec);
  ReferenceMlp ref(spec);
  EXPECT_NE(ref.forward(p, in.x, in.c), ref.forward(p, in.x, in.c, in.labels));
  const std::vector<int> wrong(150, 4);
  EXPECT_NE(errorOf([&] { ref.forward(p, in.x, in.c, wrong); }).find("labels"), std::string::npos);
}

TEST(ConditionalMlp, AFoldedClassIsTheNetworkAskedForIt) {
  MlpWeights w;
  w.spec.width = 16;
  w.spec.depth = 3;
  w.spec.classes = 4;
  w.spec.residual = true;
  w.spec.embedding.width = 6;
  w.spec.embedding.scale = 1.0;
  w.parameters = initialParameters(w.spec);
  Pcg32 rng(2);
  std::vector<double> x(40), c(20);
  for (double& v : x) v = rng.normal();
  for (double& v : c) v = rng.uniform();
  ReferenceMlp conditional(w.spec);
  for (int label = 0; label <= 4; ++label) {
    const MlpWeights folded = withClassFolded(w, label);
    EXPECT_EQ(folded.spec.classes, 0);
    ReferenceMlp plain(folded.spec);
    const std::vector<double> a =
        conditional.forward(w.parameters, x, c, std::vector<int>(20, label));
    const std::vector<double> b = plain.forward(folded.parameters, x, c);
    for (size_t k = 0; k < a.size(); ++k) ASSERT_NEAR(b[k], a[k], 1e-12) << label << " " << k;
  }
  EXPECT_THROW(withClassFolded(w, 5), InputError);
  MlpWeights truncated = w;
  truncated.parameters.pop_back();
  EXPECT_THROW(withClassFolded(truncated, 0), InputError);
  MlpWeights plain = withClassFolded(w, 1);  // not class-conditional: returned as it is
  EXPECT_EQ(withClassFolded(plain, 0).parameters, plain.parameters);
}

TEST(LabelDropout, DropsTheGivenFraction) {
  Pcg32 rng(3);
  std::vector<int> labels(40000, 1);
  dropLabels(labels, 0.25, 7, rng);
  const double dropped = double(std::count(labels.begin(), labels.end(), 7)) / 40000.0;
  EXPECT_NEAR(dropped, 0.25, 4.0 * std::sqrt(0.25 * 0.75 / 40000.0));
  EXPECT_EQ(
      std::count(labels.begin(), labels.end(), 1) + std::count(labels.begin(), labels.end(), 7),
      40000);
  std::vector<int> kept(100, 2), all(100, 2);
  dropLabels(kept, 0.0, 7, rng);
  dropLabels(all, 1.0, 7, rng);
  EXPECT_EQ(kept, std::vector<int>(100, 2));
  EXPECT_EQ(all, std::vector<int>(100, 7));
}

TEST(ConditionalTraining, RefusesMissingLabelsCouplingsAndReflow) {
  TrainingSpec spec;
  spec.network.classes = 2;
  const std::vector<glm::dvec2> data(10, glm::dvec2(0.0));
  FastCpuTrainer t(spec, data);
  EXPECT_NE(errorOf([&] { t.step(); }).find("labels"), std::string::npos);
  EXPECT_NE(errorOf([&] { t.setLabels({0, 1}); }).find("labels: 2 for 10"), std::string::npos);
  EXPECT_NE(errorOf([&] { t.setLabels(std::vector<int>(10, 2)); }).find("labels"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { t.setPairs(data, data); }).find("reflow"), std::string::npos);
  spec.coupling = MinibatchCoupling::Exact;
  EXPECT_NE(errorOf([&] { validate(spec); }).find("coupling"), std::string::npos);
  spec.coupling = MinibatchCoupling::Independent;
  spec.labelDropout = 1.5;
  EXPECT_NE(errorOf([&] { validate(spec); }).find("label dropout"), std::string::npos);
  TrainingSpec plain;
  FastCpuTrainer u(plain, data);
  EXPECT_NE(errorOf([&] { u.setLabels(std::vector<int>(10, 0)); }).find("not class-conditional"),
            std::string::npos);
}

// Flow matching with label dropout 0.2 on two classes (left, right): samples asked for a class
// land in it, samples with no class come from both; the weights file keeps the classes.
TEST(ConditionalTraining, SamplesLandInTheClassAskedFor) {
  const GaussianMixture g = twoClasses();
  TrainingSpec spec;
  spec.network.width = 64;
  spec.network.depth = 3;
  spec.network.classes = 2;
  spec.labelDropout = 0.2;
  spec.batch = 256;
  spec.adam.learningRate = 3e-3;
  std::vector<int> labels;
  const std::vector<glm::dvec2> points = g.sample(4000, 1, &labels);
  FastCpuTrainer trainer(spec, points);
  trainer.setLabels(labels);
  for (int s = 0; s < 1500; ++s) ASSERT_TRUE(std::isfinite(trainer.step()));
  const std::vector<float>& avg = trainer.averaged();
  MlpWeights w{spec.network, {avg.begin(), avg.end()}, spec.objective};
  const MlpWeights back = decodeMlp(encodeMlp(w, true), "w.safetensors");
  EXPECT_EQ(back.spec.classes, 2);
  auto data = std::make_shared<const Dataset>(Dataset{"two classes", g});
  SamplingConfig c;
  c.sampler.kind = SamplerKind::FlowHeun;
  c.schedule = defaultSchedule(ScheduleKind::Flow, 20);
  c.particleCount = 2000;
  c.seed = 5;
  auto rightFraction = [&](int label) {
    auto model = std::make_shared<const LearnedModel>(back, "w", label);
    DiffusionSimulation sim(withLearnedModel(data, model, "w"), c, nullptr);
    sim.seek(sim.steps());
    double right = 0.0;
    for (glm::vec2 p : sim.positions(sim.steps())) right += p.x > 0.0f ? 1.0 : 0.0;
    return right / double(c.particleCount);
  };
  EXPECT_LT(rightFraction(0), 0.05);
  EXPECT_GT(rightFraction(1), 0.95);
  const double none = rightFraction(-1);
  EXPECT_GT(none, 0.3);
  EXPECT_LT(none, 0.7);
}
