// Receptive fields: the recurrences against hand-computed stacks and published values, parallel
// blocks, architecture files and their errors, the effective receptive field against closed forms
// (uniform linear stacks are repeated box convolutions), its support inside the theoretical box,
// and the GPU kernels against the CPU twin.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "GpuFixture.h"
#include "InputError.h"
#include "ReceptiveField.h"
#include "ReceptiveFieldKernel.h"

namespace fs = std::filesystem;
using namespace flowscope;

namespace {

RfLayer conv(const std::string& name, int k, int s = 1, int p = 0, int d = 1,
             RfLayerType t = RfLayerType::Conv) {
  RfLayer l;
  l.name = name, l.type = t, l.kernel = k, l.stride = s, l.padding = p, l.dilation = d;
  return l;
}
RfLayer block(const std::string& name, std::vector<std::vector<RfLayer>> b) {
  RfLayer l;
  l.name = name, l.type = RfLayerType::Parallel, l.branches = std::move(b);
  return l;
}

std::string expectInputError(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

// 1-D kernel convolved L times; the ERF of a uniform linear stack is its outer product.
std::vector<double> repeatedBox(const std::vector<int>& dilations, int k) {
  std::vector<double> f = {1.0};
  for (int d : dilations) {
    std::vector<double> g(f.size() + size_t(d) * (k - 1), 0.0);
    for (size_t i = 0; i < f.size(); ++i)
      for (int t = 0; t < k; ++t) g[i + size_t(t) * d] += f[i] / k;
    f = g;
  }
  return f;
}

}  // namespace

TEST(ReceptiveField, RecurrencesMatchAHandComputedStackWithDilationAndPooling) {
  // n = 32. conv 3/1/1: r 3, j 1, start 0, 32 units. maxpool 2/2: r 4, j 2, start 0.5, 16.
  // conv 3 dilation 2 padding 2 (span 5): r 4 + 4*2 = 12, j 2, start 0.5 + (2 - 2)*2 = 0.5, 16.
  // avgpool 3/2: r 12 + 2*2 = 16, j 4, start 0.5 + 1*2 = 2.5, floor((16 - 3)/2) + 1 = 7.
  // conv 2 (even): r 16 + 1*4 = 20, j 4, start 2.5 + 0.5*4 = 4.5, 6.
  Architecture a{
      "hand",
      32,
      32,
      {conv("c1", 3, 1, 1), conv("p1", 2, 2, 0, 1, RfLayerType::MaxPool), conv("c2", 3, 1, 2, 2),
       conv("p2", 3, 2, 0, 1, RfLayerType::AvgPool), conv("c3", 2)}};
  const RfTable t = receptiveFields(a);
  const int64_t size[] = {3, 4, 12, 16, 20}, jump[] = {1, 2, 2, 4, 4}, units[] = {32, 16, 16, 7, 6};
  const double start[] = {0.0, 0.5, 0.5, 2.5, 4.5};
  ASSERT_EQ(t.rows.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(t.rows[i].name);
    EXPECT_EQ(t.rows[i].out.size, size[i]);
    EXPECT_EQ(t.rows[i].out.jump, jump[i]);
    EXPECT_DOUBLE_EQ(t.rows[i].out.start, start[i]);
    EXPECT_EQ(t.rows[i].out.unitsH, units[i]);
  }
  // A unit's box: centre start + i * jump, half-width (size - 1) / 2.
  const RfBox b = unitBox(t.rows[4].out, 1, 2);
  EXPECT_DOUBLE_EQ(b.centerRow, 8.5);
  EXPECT_DOUBLE_EQ(b.centerCol, 12.5);
  EXPECT_DOUBLE_EQ(b.top, -1.0);
  EXPECT_DOUBLE_EQ(b.right, 22.0);
}

TEST(ReceptiveField, PresetsMatchPublishedReceptiveFields) {
  // Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks",
  // Distill 2019, Table 1: alexnet_v2 195, vgg_16 212, resnet_v1_50 483, mobilenet_v1 315,
  // effective stride 32 for all four.
  const std::pair<const char*, int> published[] = {
      {"alexnet", 195}, {"vgg16", 212}, {"resnet50", 483}, {"mobilenet-v1", 315}};
  for (const auto& [name, size] : published) {
    SCOPED_TRACE(name);
    const RfTable t = receptiveFields(rfPreset(name));
    EXPECT_EQ(t.output.size, size);
    EXPECT_EQ(t.output.jump, 32);
  }
  // Dilations 1..64 of 3x3: 1 + 2 (1 + 2 + ... + 64) = 255; the U-Net encoder by hand: 68.
  EXPECT_EQ(receptiveFields(rfPreset("wavenet")).output.size, 255);
  EXPECT_EQ(receptiveFields(rfPreset("unet-encoder")).output.size, 68);
  for (const auto& name : rfPresetNames()) EXPECT_NO_THROW(validateArchitecture(rfPreset(name)));
}

TEST(ReceptiveField, ParallelBlocksTakeTheLargestPathAndFlagMisalignedCentres) {
  Architecture a{
      "blocks",
      16,
      16,
      {conv("stem", 3, 1, 1),
       block("b",
             {{conv("short", 3, 1, 1)}, {conv("long1", 5, 1, 2), conv("long2", 3, 1, 1)}, {}})}};
  RfTable t = receptiveFields(a);
  const RfRow* b = t.find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->out.size, 3 + 4 + 2);  // the long path: stem 3, then +4, +2
  EXPECT_EQ(t.find("short")->out.size, 5);
  EXPECT_FALSE(b->misaligned);
  // Same grid, different centres: 3/2/1 starts at 0, 2/2/0 at 0.5 (8 units each at n = 16).
  a.layers = {block("m", {{conv("a3", 3, 2, 1)}, {conv("a2", 2, 2, 0)}})};
  t = receptiveFields(a);
  EXPECT_TRUE(t.find("m")->misaligned);
  EXPECT_DOUBLE_EQ(t.find("m")->misalignment, 0.5);
  // Different grids cannot be summed: an error naming the block.
  a.layers = {block("bad", {{conv("x", 3, 1, 1)}, {conv("y", 3, 1, 0)}})};
  EXPECT_NE(expectInputError([&] { receptiveFields(a); }).find("layer 'bad'"), std::string::npos);
}

TEST(ReceptiveField, ArchitectureJsonRoundTripsAndErrorsNameTheLayer) {
  for (const auto& name : rfPresetNames()) {
    const Architecture a = rfPreset(name);
    const Architecture b = parseArchitecture(architectureJson(a), "roundtrip");
    EXPECT_EQ(architectureJson(b), architectureJson(a)) << name;
  }
  auto error = [](const std::string& text) {
    return expectInputError([&] { parseArchitecture(nlohmann::json::parse(text), "a.json"); });
  };
  const std::string head =
      R"({"input": [32, 32], "layers": [{"name": "c1", "type": "conv", "kernel": 3},)";
  EXPECT_NE(error(head + R"({"name": "c2", "type": "deconv", "kernel": 3}]})")
                .find("a.json: layer 'c2' (layers[1]): type: unknown 'deconv'"),
            std::string::npos);
  EXPECT_NE(error(head + R"({"name": "c2", "type": "conv", "kernel": 0}]})")
                .find("layer 'c2' (layers[1]): kernel must be a positive integer"),
            std::string::npos);
  EXPECT_NE(error(head + R"({"name": "c2", "type": "conv", "kernel": 3, "stride": -1}]})")
                .find("layer 'c2'"),
            std::string::npos);
  EXPECT_NE(error(head + R"({"name": "c2", "type": "maxpool", "kernel": 3, "branches": []}]})")
                .find("unknown field \"branches\""),
            std::string::npos);
  EXPECT_NE(error(head + R"({"name": "c1", "type": "conv", "kernel": 3}]})")
                .find("layer 'c1' (layers[1]): the name is used twice"),
            std::string::npos);
  EXPECT_NE(error(head + R"({"name": "big", "type": "conv", "kernel": 64}]})")
                .find("layer 'big' (layers[1]): its output is empty"),
            std::string::npos);
  EXPECT_NE(
      error(
          head +
          R"({"name": "p", "type": "parallel", "branches": [[{"name": "z", "type": "conv", "kernel": -3}]]}]})")
          .find("layer 'z' (layers[1].branches[0][0])"),
      std::string::npos);
  EXPECT_NE(error(R"({"input": [0, 32], "layers": []})").find("field 'input'"), std::string::npos);
  const fs::path bad = fs::temp_directory_path() / "flowscope-rf-malformed.json";
  std::ofstream(bad) << "{\"input\": [32, 32], \"layers\": [\n{\"name\": \"c1\",, }]}";
  EXPECT_NE(expectInputError([&] { loadArchitecture(bad.string()); }).find("malformed JSON"),
            std::string::npos);
  fs::remove(bad);
}

TEST(ReceptiveField, UniformLinearStackErfIsTheRepeatedBoxConvolution) {
  // Four 3x3 layers, the third dilated by 2, uniform weights 1/9, no ReLU: the gradient of the
  // centre unit is the outer product of [1/3 1/3 1/3] convolved with itself (dilated once).
  Architecture a{
      "box",
      33,
      33,
      {conv("c1", 3, 1, 1), conv("c2", 3, 1, 1), conv("c3", 3, 1, 2, 2), conv("c4", 3, 1, 1)}};
  ErfOptions o;
  o.layer = "c4";
  const ErfResult r = effectiveReceptiveFieldCpu(a, o);
  const std::vector<double> f = repeatedBox({1, 1, 2, 1}, 3);
  ASSERT_EQ(f.size(), 11u);  // = the theoretical size 1 + 2 + 2 + 4 + 2
  const int lo = 16 - 5;
  for (int y = 0; y < 33; ++y)
    for (int x = 0; x < 33; ++x) {
      const bool inside = y >= lo && y < lo + 11 && x >= lo && x < lo + 11;
      const double v = r.values[size_t(y) * 33 + x];
      if (!inside) {
        EXPECT_EQ(v, 0.0) << y << "," << x;
      } else {  // the taps 1/9 are float32 (shared with the GPU): relative 1e-7
        EXPECT_NEAR(v, f[y - lo] * f[x - lo], 1e-6 * f[y - lo] * f[x - lo]) << y << "," << x;
      }
    }
  // Its spread: each 3-tap box adds variance 2/3 (dilated: 4 * 2/3) per axis.
  EXPECT_NEAR(erfStats(r).spread, std::sqrt((3 + 4) * 2.0 / 3.0), 1e-12);
  EXPECT_DOUBLE_EQ(r.box.top, 11.0);
  EXPECT_DOUBLE_EQ(r.box.bottom, 21.0);
}

TEST(ReceptiveField, ErfSupportNeverExceedsTheTheoreticalBox) {
  struct Case {
    const char* arch;
    const char* layer;
    RfWeights w;
    bool relu;
    int row, col;
  };
  const Case cases[] = {{"alexnet", "conv5", RfWeights::Random, true, 2, 9},
                        {"vgg16", "pool3", RfWeights::Uniform, false, -1, -1},
                        {"resnet50", "res3a", RfWeights::Random, false, 0, 27},
                        {"wavenet", "dil16", RfWeights::Random, true, 5, 200},
                        {"unet-encoder", "pool2", RfWeights::Uniform, true, 31, 0}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.arch);
    ErfOptions o;
    o.layer = c.layer, o.weights = c.w, o.relu = c.relu, o.unitRow = c.row, o.unitCol = c.col;
    o.seeds = 2;
    const ErfResult r = effectiveReceptiveFieldCpu(rfPreset(c.arch), o);
    const ErfStats s = erfStats(r);
    ASSERT_GT(s.mass, 0.0);
    EXPECT_GE(s.supportTop, r.box.top);
    EXPECT_LE(s.supportBottom, r.box.bottom);
    EXPECT_GE(s.supportLeft, r.box.left);
    EXPECT_LE(s.supportRight, r.box.right);
  }
}

TEST(ReceptiveField, SpreadGrowsLikeSqrtDepthWhileSizeGrowsLinearly) {
  const Architecture a = rfPreset("stack3x3");
  ErfOptions o;
  const auto g = rfGrowth(a, o, effectiveReceptiveFieldCpu);
  ASSERT_EQ(g.size(), 12u);
  for (const auto& p : g) {
    EXPECT_EQ(p.size, 2 * p.depth + 1);
    EXPECT_NEAR(p.spread, std::sqrt(2.0 * p.depth / 3.0), 1e-9);
  }
  EXPECT_NEAR(fitSqrtDepth(g).coefficient, std::sqrt(2.0 / 3.0), 1e-9);
  EXPECT_NEAR(fitSqrtDepth(g).r2, 1.0, 1e-9);
  EXPECT_NEAR(fitLinearDepth(g).coefficient, 2.0, 1e-12);
  // The share of the box that holds 95% of the mass shrinks with depth.
  EXPECT_LT(g.back().area95, 0.5 * g[2].area95);
}

TEST(ReceptiveField, LoadedWeightsAndTheirErrors) {
  Architecture a{"two", 9, 9, {conv("c1", 3, 1, 1), conv("c2", 1)}};
  const fs::path file = fs::temp_directory_path() / "flowscope-rf-weights.json";
  std::ofstream(file) << R"({"c1": [[0, 0, 0], [0, 0, 2], [0, 0, 0]]})";
  ErfOptions o;
  o.layer = "c2", o.weights = RfWeights::Loaded, o.loaded = readRfWeights(file.string(), a);
  // y(4, 4) = 1 * (2 x(4, 5)): the gradient is 2 at (4, 5) only; c2 defaults to uniform (1).
  const ErfResult r = effectiveReceptiveFieldCpu(a, o);
  for (int i = 0; i < 81; ++i) EXPECT_DOUBLE_EQ(r.values[i], i == 4 * 9 + 5 ? 2.0 : 0.0);
  EXPECT_EQ(compileRfProgram(a, o).defaulted, std::vector<std::string>{"c2"});
  std::ofstream(file) << R"({"c1": [[0, 0], [0, 0]]})";
  EXPECT_NE(
      expectInputError([&] { readRfWeights(file.string(), a); }).find("layer 'c1': expected 3 x 3"),
      std::string::npos);
  std::ofstream(file) << R"({"c9": [[1]]})";
  EXPECT_NE(expectInputError([&] {
              readRfWeights(file.string(), a);
            }).find("layer 'c9': not a convolution"),
            std::string::npos);
  fs::remove(file);
  o.layer = "nope";
  EXPECT_NE(expectInputError([&] { compileRfProgram(a, o); }).find("no layer 'nope'"),
            std::string::npos);
  o.layer = "c2", o.unitRow = 9, o.unitCol = 0;
  EXPECT_NE(
      expectInputError([&] { compileRfProgram(a, o); }).find("outside layer 'c2' (9 x 9 units)"),
      std::string::npos);
}

TEST(ReceptiveField, MaxPoolRoutesTheGradientToTheWindowsMaximum) {
  Architecture a{"pool", 4, 4, {conv("p", 2, 2, 0, 1, RfLayerType::MaxPool)}};
  ErfOptions o;
  o.layer = "p", o.unitRow = 1, o.unitCol = 0;
  o.image = {0, 0, 0, 0, 0, 0, 0, 0, 1, 5, 0, 0, 7, 2, 0, 0};  // window rows 2-3, cols 0-1: max 7
  const ErfResult r = effectiveReceptiveFieldCpu(a, o);
  for (int i = 0; i < 16; ++i) EXPECT_DOUBLE_EQ(r.values[i], i == 12 ? 1.0 : 0.0);
}

class ReceptiveFieldGpu : public flowscope::testing::GpuTest {};

TEST_F(ReceptiveFieldGpu, GpuEqualsTheCpuTwinAcrossReusedBuffers) {
  GpuReceptiveField kernel(*gpu);
  Architecture mixed{"mixed",
                     61,
                     47,
                     {conv("c1", 5, 2, 2), conv("p1", 3, 2, 1, 1, RfLayerType::MaxPool),
                      block("b", {{conv("b1", 3, 1, 2, 2), conv("b2", 1)}, {}}),
                      conv("a1", 2, 1, 0, 1, RfLayerType::AvgPool), conv("c2", 3, 1, 1)}};
  struct Case {
    Architecture arch;
    std::string layer;
    RfWeights w;
    bool relu;
    int seeds, row, col;
  };
  const Case cases[] = {{rfPreset("stack3x3"), "conv12", RfWeights::Uniform, false, 1, -1, -1},
                        {mixed, "c2", RfWeights::Random, true, 3, 3, 7},
                        {mixed, "b", RfWeights::Uniform, false, 1, 0, 0},
                        {mixed, "b1", RfWeights::Random, false, 2, -1, -1},
                        {rfPreset("resnet50"), "res3b", RfWeights::Random, true, 2, 10, 3},
                        {rfPreset("alexnet"), "pool5", RfWeights::Random, true, 2, -1, -1},
                        {rfPreset("wavenet"), "dil64", RfWeights::Random, false, 1, 100, 30}};
  // Twice: the second pass, in reverse order, runs in buffers grown by larger programs and still
  // holding their values, through the sets the first pass made (one per kernel).
  std::vector<Case> order(std::begin(cases), std::end(cases));
  order.insert(order.end(), std::rbegin(cases), std::rend(cases));
  for (const Case& c : order) {
    SCOPED_TRACE(c.arch.name + "/" + c.layer);
    ErfOptions o;
    o.layer = c.layer, o.weights = c.w, o.relu = c.relu, o.seeds = c.seeds;
    o.unitRow = c.row, o.unitCol = c.col, o.seed = 7;
    const ErfResult cpu = effectiveReceptiveFieldCpu(c.arch, o), g = kernel.run(c.arch, o);
    ASSERT_EQ(g.values.size(), cpu.values.size());
    double peak = 0.0, err = 0.0;
    for (size_t i = 0; i < cpu.values.size(); ++i) {
      peak = std::max(peak, cpu.values[i]);
      err = std::max(err, std::abs(cpu.values[i] - g.values[i]));
      if (cpu.values[i] == 0.0) {
        ASSERT_EQ(g.values[i], 0.0) << i;  // the same support
      }
    }
    ASSERT_GT(peak, 0.0);
    EXPECT_LT(err, 1e-5 * peak);
    EXPECT_EQ(kernel.cachedSets(), 2u);
  }
}
