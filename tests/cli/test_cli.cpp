// flowscope-cli end to end: outputs, and every error path: exit code 2 with a message naming the
// file/flag/field, and no output file left behind.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>
#include <vector>

#include <glm/glm.hpp>

#include "LabCatalog.h"
#include "MlpWeights.h"
#include "Rng.h"
#include "VideoWriter.h"

namespace fs = std::filesystem;

namespace {

struct CliResult {
  int code;
  std::string out, err;
};

CliResult cli(const std::string& args, const std::string& env = "") {
  static int counter = 0;
  // The PID too: ctest runs the tests of this file as parallel processes.
  fs::path errPath =
      fs::temp_directory_path() /
      ("flowscope-cli-err-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::string cmd = env + " " + FLOWSCOPE_CLI + std::string(" ") + args + " 2>" + errPath.string();
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int status = pclose(pipe);
  std::ifstream errIn(errPath);
  std::stringstream err;
  err << errIn.rdbuf();
  fs::remove(errPath);
  return {WEXITSTATUS(status), out, err.str()};
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Header and numeric rows of a CSV output.
struct Csv {
  std::string header;
  std::vector<std::vector<double>> rows;
};
Csv readCsv(const fs::path& p) {
  Csv csv;
  std::ifstream in(p);
  std::getline(in, csv.header);
  for (std::string line; std::getline(in, line);) {
    std::stringstream row(line);
    std::vector<double> values;
    for (std::string cell; std::getline(row, cell, ',');) values.push_back(std::stod(cell));
    csv.rows.push_back(values);
  }
  return csv;
}

// A run asked for `backend` must have run there. A GPU run that fell back to the CPU (no Vulkan
// device) fails the test under FLOWSCOPE_REQUIRE_GPU=1 (scripts/test.sh) and skips it otherwise.
void expectRanOn(const std::string& jsonOut, const std::string& backend) {
  const std::string ran = nlohmann::json::parse(jsonOut).value("backend", "");
  if (ran == backend) return;
  const char* required = std::getenv("FLOWSCOPE_REQUIRE_GPU");
  if (backend != "gpu" || (required && std::string(required) == "1"))
    FAIL() << "asked for --backend " << backend << ", ran on '" << ran << "'";
  GTEST_SKIP() << "no Vulkan device: the GPU run fell back to the CPU";
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("flowscope-cli-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    gmm = (dir / "gmm.json").string();
    std::ofstream(gmm) << R"({"type": "gmm", "weights": [1, 3], "means": [[-1, 0], [2, 1]],
                              "covariances": [[[0.1, 0], [0, 0.1]], [[0.2, 0.05], [0.05, 0.1]]]})";
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }
  // Exit code 2, a message containing `mention`, and no file at `out`.
  void expectInvalid(const std::string& args, const std::string& mention, const std::string& out) {
    CliResult r = cli(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos)
        << "stderr should name '" << mention << "': " << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
    for (auto& entry : fs::directory_iterator(dir))
      EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos)
          << "temporary left: " << entry.path();
  }
  fs::path dir;
  std::string gmm;
};

}  // namespace

TEST_F(Cli, SampleWritesCsvAndJson) {
  CliResult r = cli("sample --data " + gmm +
                    " --model exact --sampler heun --schedule karras --steps 10 --n 500 --seed 3 "
                    "--out " +
                    path("s.csv") + " --trajectories " + path("t.csv") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n"], 500);
  EXPECT_EQ(j["steps"], 10);
  EXPECT_EQ(j["nfe"], 19) << "Heun: 2N - 1";
  EXPECT_TRUE(j.contains("time_ms") && j.contains("backend") && j.contains("device"));
  std::ifstream csv(path("s.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "x,y");
  int rows = 0;
  double meanX = 0;
  while (std::getline(csv, line)) {
    ++rows;
    meanX += std::stod(line.substr(0, line.find(',')));
  }
  EXPECT_EQ(rows, 500);
  EXPECT_NEAR(meanX / rows, 0.25 * -1 + 0.75 * 2, 0.2) << "mixture mean";
  std::ifstream traj(path("t.csv"));
  std::getline(traj, line);
  EXPECT_EQ(line, "particle,step,t,sigma,x,y");
  int trajRows = 0;
  while (std::getline(traj, line)) ++trajRows;
  EXPECT_EQ(trajRows, 500 * 11);
}

TEST_F(Cli, CpuAndGpuBackendsAgree) {
  CliResult g = cli("sample --data " + gmm + " --sampler euler --steps 12 --n 300 --out " +
                    path("g.csv") + " --backend gpu --json");
  CliResult c = cli("sample --data " + gmm + " --sampler euler --steps 12 --n 300 --out " +
                    path("c.csv") + " --backend cpu --json");
  ASSERT_EQ(g.code, 0) << g.err;
  ASSERT_EQ(c.code, 0) << c.err;
  expectRanOn(c.out, "cpu");
  expectRanOn(g.out, "gpu");
  if (IsSkipped() || HasFatalFailure()) return;
  const Csv onGpu = readCsv(path("g.csv")), onCpu = readCsv(path("c.csv"));
  EXPECT_EQ(onGpu.header, "x,y");
  EXPECT_EQ(onCpu.header, "x,y");
  ASSERT_EQ(onGpu.rows.size(), 300u);
  ASSERT_EQ(onCpu.rows.size(), 300u);
  for (size_t i = 0; i < 300; ++i) {  // identical noise; float32 against double
    ASSERT_EQ(onGpu.rows[i].size(), 2u) << i;
    ASSERT_EQ(onCpu.rows[i].size(), 2u) << i;
    for (size_t c = 0; c < 2; ++c) EXPECT_NEAR(onGpu.rows[i][c], onCpu.rows[i][c], 1e-3) << i;
  }
}

TEST_F(Cli, SampleErrorsExitTwoNamingTheProblemAndLeaveNoFile) {
  const std::string out = path("o.csv");
  const std::string base = " --out " + out;
  expectInvalid("sample" + base, "--data", out);
  expectInvalid("sample --data " + path("missing.json") + base, "missing.json", out);
  write("broken.json", "{\"type\": \"gmm\", \"weights\": [1,");
  expectInvalid("sample --data " + path("broken.json") + base, "broken.json", out);
  write(
      "indef.json",
      R"({"type":"gmm","weights":[1,1],"means":[[0,0],[1,1]],"covariances":[[[1,0],[0,1]],[[1,2],[2,1]]]})");
  expectInvalid("sample --data " + path("indef.json") + base, "component 1", out);
  expectInvalid("sample --data " + gmm + " --sampler rk4" + base, "sampler", out);
  expectInvalid("sample --data " + gmm + " --steps 0" + base, "--steps", out);
  expectInvalid("sample --data " + gmm + " --n 0" + base, "--n", out);
  expectInvalid("sample --data " + gmm + " --sigma-min 90" + base, "--sigma-max", out);
  expectInvalid("sample --data " + gmm + " --rho -1" + base, "--rho", out);
  expectInvalid("sample --data " + gmm + " --sampler langevin --schedule linear" + base,
                "works with: ve", out);
  expectInvalid("sample --data " + gmm + " --sampler ddim --schedule karras" + base,
                "linear, cosine, vp", out);
  expectInvalid("sample --data " + gmm + " --schedule bogus" + base, "schedule", out);
  expectInvalid("sample --data " + gmm + " --sampler heun --eta 0.5" + base, "--eta", out);
  expectInvalid("sample --data " + gmm + " --schedule linear --rho 3" + base, "--rho", out);
  expectInvalid("sample --data " + gmm + " --sampler ddim --eta 2" + base, "--eta", out);
  expectInvalid("sample --data nosuchpreset" + base, "nosuchpreset", out);
  expectInvalid("sample --data " + gmm + " --model learned" + base, "--model", out);
  expectInvalid("sample --data " + gmm + " --backend tpu" + base, "--backend", out);
  expectInvalid("sample --data " + gmm + " --frobnicate" + base, "frobnicate", out);
  expectInvalid("sample --data " + gmm + " --out " + path("nodir/o.csv"), "nodir",
                path("nodir/o.csv"));
  expectInvalid("sample --data " + gmm + " --out " + path("o.txt"), ".csv", path("o.txt"));
  expectInvalid("sample --data " + gmm + " --trajectories " + path("t.csv") + base + " --steps 0",
                "--steps", path("t.csv"));
  const std::string flow = " --sampler flow-euler";
  expectInvalid("sample --data " + gmm + flow + " --coupling bogus" + base, "coupling", out);
  expectInvalid("sample --data " + gmm + " --sampler heun --coupling exact" + base,
                "flow samplers only", out);
  expectInvalid("sample --data " + gmm + flow + " --coupling exact --coupling-pairs 5" + base,
                "--coupling-pairs", out);
  expectInvalid("sample --data " + gmm + flow + " --coupling sinkhorn --coupling-epsilon 0" + base,
                "--coupling-epsilon", out);
  expectInvalid("sample --data " + gmm + flow + " --coupling-bandwidth 0.2" + base,
                "needs --coupling", out);
}

// The OT coupling's paths are nearly straight: one Euler step lands where 32 steps do, unlike the
// independent coupling's (whose paths cross).
// --class/--guidance: the class's samples on both backends (the same to float precision), gamma
// recorded in the JSON, the class's mean moved away from the ring's centre by guidance; field
// --class --guidance; bad classes, labels and combinations exit 2 naming the flag or field.
TEST_F(Cli, GuidedSamplingAndFields) {
  auto meanOf = [](const std::string& csv) {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    double x = 0, y = 0, n = 0;
    char comma;
    for (double a, b; in >> a >> comma >> b;) x += a, y += b, n += 1;
    return glm::dvec2(x, y) / n;
  };
  double radius[2];
  for (int k = 0; k < 2; ++k) {
    const std::string o = path(k ? "g3.csv" : "g1.csv");
    CliResult r = cli("sample --data gmm8 --class 2 --guidance " + std::string(k ? "3" : "1") +
                      " --n 2000 --steps 12 --backend cpu --out " + o + " --json");
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["class"], 2);
    EXPECT_EQ(j["guidance"], k ? 3.0 : 1.0);
    EXPECT_TRUE(j["guidance_interval"][1].is_null());
    const glm::dvec2 m = meanOf(o);
    EXPECT_LT(m.x, -0.5);  // class 2: the ring's components at 180 and 225 degrees
    radius[k] = glm::length(m);
  }
  EXPECT_GT(radius[1], radius[0] + 0.05);
  const std::string g = path("gpu.csv");
  CliResult r =
      cli("sample --data gmm8 --class 2 --guidance 3 --n 2000 --steps 12 --backend gpu "
          "--guidance-interval 0.1 5 --out " +
          g);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string f = path("field.csv");
  r = cli("field --data moons --class 1 --guidance 2 --sigma 0.5 --grid 8 8 --out " + f +
          " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["class"], 1);
  const std::string sweep = path("sweep.csv");
  r = cli("guidance --data gmm8 --class 0 --gammas 0,1,4 --n 500 --steps 12 --backend cpu --out " +
          sweep);
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(sweep);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header, "gamma,spread,energy_to_class,energy_to_tilted,tv_to_tilted");
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 3);
  const std::string o = path("bad.csv");
  expectInvalid("guidance --data gmm8 --gammas 0,1 --out " + o, "--class", o);
  expectInvalid("guidance --data gmm8 --class 0 --gammas 0,40 --out " + o, "--gammas", o);
  expectInvalid("sample --data gmm8 --class 4 --guidance 2 --out " + o, "--class: 4", o);
  expectInvalid("sample --data pinwheel --class 0 --out " + o, "--class", o);
  expectInvalid("sample --data gmm8 --guidance 2 --out " + o, "--class", o);
  expectInvalid("sample --data gmm8 --class 0 --guidance 30 --out " + o, "--guidance", o);
  expectInvalid("sample --data gmm8 --class 0 --guidance-interval 2 1 --out " + o,
                "--guidance-interval", o);
  expectInvalid("sample --data moons --class 0 --autoguidance 2 --out " + o, "--autoguidance", o);
  expectInvalid("sample --data gmm8 --class 0 --sampler flow-euler --coupling exact --out " + o,
                "--class", o);
  write("labels.json", R"({"type": "gmm", "weights": [1, 1], "means": [[0, 0], [1, 1]],
    "covariances": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]], "labels": [0, 1, 1]})");
  expectInvalid("sample --data " + path("labels.json") + " --class 0 --out " + o, "labels", o);
  expectInvalid("field --data gmm8 --class 9 --sigma 0.5 --out " + path("f.csv"), "--class",
                path("f.csv"));
}

TEST_F(Cli, SampleWithAnOtCouplingNeedsOneStep) {
  auto run = [&](const std::string& coupling, int steps) {
    const std::string out = path(coupling + std::to_string(steps) + ".csv");
    CliResult r = cli("sample --data moons --sampler flow-euler --n 1000 --backend cpu --steps " +
                      std::to_string(steps) + " --coupling " + coupling +
                      " --coupling-pairs 400 --out " + out + " --json");
    EXPECT_EQ(r.code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["coupling"], coupling);
    EXPECT_EQ(j["coupling_pairs"], 400);
    std::ifstream in(out);
    std::string line;
    std::getline(in, line);
    std::vector<std::pair<double, double>> xy;
    double x, y;
    char comma;
    while (in >> x >> comma >> y) xy.push_back({x, y});
    return std::make_pair(j, xy);
  };
  auto msd = [](const auto& a, const auto& b) {
    double sum = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
      sum += std::pow(a[i].first - b[i].first, 2) + std::pow(a[i].second - b[i].second, 2);
    return sum / double(a.size());
  };
  auto [exact1, e1] = run("exact", 1);
  auto [exact32, e32] = run("exact", 32);
  auto [indep1, i1] = run("independent", 1);
  auto [indep32, i32] = run("independent", 32);
  ASSERT_EQ(e1.size(), 1000u);
  EXPECT_LT(exact1["coupling_crossings"].get<double>(), indep1["coupling_crossings"].get<double>());
  EXPECT_LT(exact1["coupling_mean_sq_length"].get<double>(),
            indep1["coupling_mean_sq_length"].get<double>());
  EXPECT_LT(msd(e1, e32), 0.05 * msd(i1, i32)) << msd(e1, e32) << " vs " << msd(i1, i32);
}

TEST_F(Cli, RenderWritesPngAndRejectsBadInput) {
  CliResult r =
      cli("render --scene default --step 5 --out " + path("f.png") + " --width 160 --height 100");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(path("f.png")).substr(1, 3), "PNG");
  const std::string out = path("g.png");
  expectInvalid("render --scene " + path("none.json") + " --out " + out, "none.json", out);
  write("bad.json", R"({"flowscope_scene": 1})");
  expectInvalid("render --scene " + path("bad.json") + " --out " + out, "bad.json", out);
  expectInvalid("render --out " + out + " --width 0", "--width", out);
  expectInvalid("render --out " + out + " --scale 0", "--scale", out);
  expectInvalid("render --out " + out + " --scale 9", "--scale", out);
  expectInvalid("render --out " + out + " --step 99", "--step", out);
  expectInvalid("render --out " + path("g.jpg"), ".png", path("g.jpg"));
  expectInvalid("render --out " + out + " --theme blue", "--theme", out);
  r = cli("render --scene default-rf --theme light --out " + path("l.png") + " --size 64 48");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(path("l.png")).substr(1, 3), "PNG");
}

// train: a small flow-matching run writes its weights (safetensors, the specification asked
// for) and a loss log whose late steps are below its first; bad flags exit 2 naming the flag and
// leave no file.
TEST_F(Cli, TrainWritesWeightsAndALossLog) {
  const std::string out = path("m.safetensors"), log = path("loss.csv");
  CliResult r =
      cli("train --data gmm8 --objective flow --width 16 --depth 2 --steps 300 "
          "--batch 128 --lr 3e-3 --out " +
          out + " --log " + log + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["steps"], 300);
  // The floor of the mixture's exact model lies below the trained network's loss.
  EXPECT_GT(j["final_loss"].get<double>(), j["irreducible_loss"].get<double>());
  EXPECT_GT(j["irreducible_loss"].get<double>(), 0.0);
  EXPECT_NE(j["backend"].get<std::string>().find("float32"), std::string::npos);
  const flowscope::MlpWeights w = flowscope::decodeMlp(slurp(out), out);
  EXPECT_EQ(w.spec.width, 16);
  EXPECT_EQ(w.spec.depth, 2);
  EXPECT_EQ(w.parameters.size(), j["parameters"].get<size_t>());
  std::istringstream lines(slurp(log));
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "step,loss");
  std::vector<double> loss;
  while (std::getline(lines, line)) loss.push_back(std::stod(line.substr(line.find(',') + 1)));
  ASSERT_EQ(loss.size(), 300u);
  const double first = std::accumulate(loss.begin(), loss.begin() + 30, 0.0);
  const double last = std::accumulate(loss.end() - 30, loss.end(), 0.0);
  EXPECT_LT(last, first);
  const std::string x = path("x.safetensors");
  expectInvalid("train --objective nope --out " + x, "--objective", x);
  expectInvalid("train --width 8 --out " + x, "--width", x);
  expectInvalid("train --t-std 0 --out " + x, "--t-std", x);
  expectInvalid("train --out " + path("m.pt"), ".safetensors", path("m.pt"));
  expectInvalid("train --data " + path("none.csv") + " --out " + x, "none.csv", x);
}

// flow-train writes a flow whose held-out NLL beats the untrained one and the file logp reads;
// logp of the exact mixture matches its closed form; Hutchinson reports a standard error; bad
// inputs exit 2 naming the flag or file and leave no output.
TEST_F(Cli, FlowTrainAndLogp) {
  const std::string f = path("f.safetensors"), pts = path("pts.csv"), out = path("lp.csv");
  CliResult r = cli("flow-train --data gmm8 --flow glow --layers 3 --width 32 --steps 400 --out " +
                    f + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["layers"], 9);                       // glow: actnorm, mixing, coupling a step
  EXPECT_LT(j["heldout_nll"].get<double>(), 3.0);  // the untrained flow's is about 5.6
  {
    std::ofstream p(pts);
    p << "x,y\n2.5,0.1\n-1.8,1.7\n0.0,-2.4\n";
  }
  r = cli("logp --model flow:" + f + " --points " + pts + " --out " + out + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::isfinite(nlohmann::json::parse(r.out)["mean_logp"].get<double>()));
  EXPECT_NE(slurp(out).find("x,y,logp,stderr"), std::string::npos);
  r = cli("logp --model exact --data gmm8 --points " + pts + " --out " + out + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_LT(nlohmann::json::parse(r.out)["max_abs_error"].get<double>(), 1e-3);
  r = cli("logp --model exact --data gmm8 --trace hutchinson --probes 32 --points " + pts +
          " --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(slurp(out));
  std::string line;
  std::getline(lines, line);
  std::getline(lines, line);
  EXPECT_GT(std::stod(line.substr(line.find(',', line.find(',', line.find(',') + 1) + 1) + 1)),
            0.0);
  const std::string x = path("x.csv"), y = path("y.safetensors");
  expectInvalid("flow-train --flow bogus --out " + y, "--flow", y);
  expectInvalid("flow-train --layers 0 --out " + y, "--layers", y);
  expectInvalid(
      "logp --model flow:" + path("none.safetensors") + " --points " + pts + " --out " + x,
      "none.safetensors", x);
  expectInvalid("logp --points " + pts + " --trace sometimes --out " + x, "--trace", x);
  expectInvalid("logp --points " + path("none.csv") + " --out " + x, "none.csv", x);
}

// estimate: REINFORCE on a categorical is unbiased within its standard error, the JSON has an
// array per statistic with one value per logit; the step's pathwise gradient is 0 (its bias the
// exact gradient's negative); bad values exit 2 naming the flag.
TEST_F(Cli, EstimateReportsBiasAndVarianceAgainstTheExactGradient) {
  CliResult r =
      cli("estimate --dist categorical --theta 0.5,-1,1.5 --f 1,4,-2 --estimator reinforce "
          "--samples 4 --repeats 20000 --seed 2 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"exact", "mean", "variance", "bias", "stderr"})
    EXPECT_EQ(j[key].size(), 3u) << key;
  for (size_t k = 0; k < 3; ++k)
    EXPECT_LT(std::abs(j["bias"][k].get<double>()), 4.0 * j["stderr"][k].get<double>());
  r = cli("estimate --theta 0.4,1.3 --f step --estimator pathwise --repeats 50 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["mean"][0].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["bias"][0].get<double>(), -j["exact"][0].get<double>());
  r = cli("estimate --theta 0.5,0.8 --f 'x^3 - 2*x' --estimator pathwise --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["exact"][0].get<double>(), 0.67, 1e-8);  // 3(mu^2+s^2)-2
  const std::string none = path("none");
  expectInvalid("estimate --theta 0.4,x", "--theta", none);
  expectInvalid("estimate --f 'x^^3'", "--f: unexpected '^' at column 3", none);
  expectInvalid("estimate --f 'log(x)'", "--f: 'log(x)' is not finite", none);
  expectInvalid("estimate --dist categorical --theta 1,2 --f 1", "--f", none);
  expectInvalid("estimate --estimator gumbel-softmax", "--estimator", none);
  expectInvalid(
      "estimate --dist categorical --theta 1,2 --f 1,2 --estimator gumbel-softmax "
      "--tau 0",
      "--tau", none);
}

// critic: between a cloud and its translate the exact W1 is the shift's length and a gp critic's
// estimate settles near W1 (1 + W1 / (2 lambda)) (the soft penalty's bias), its normalised
// estimate below W1; the grid has W x H rows; bad flags exit 2 naming the flag, nothing written.
TEST_F(Cli, CriticEstimatesW1AgainstTheExactSolver) {
  const std::string a = path("a.csv"), b = path("b.csv"), out = path("f.csv");
  {
    std::ofstream pa(a), pb(b);
    pa << "x,y\n";
    pb << "x,y\n";
    flowscope::Pcg32 rng(9);
    for (int i = 0; i < 200; ++i) {
      const double x = rng.normal(), y = 0.5 * rng.normal();
      pa << x << ',' << y << '\n';
      pb << x + 0.6 << ',' << y - 0.8 << '\n';
    }
  }
  CliResult r = cli("critic --source " + a + " --target " + b +
                    " --method gp --steps 800 --width 32 --depth 2 --out " + out +
                    " --grid 6 5 --range -3,3,-2,2 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["w1_exact"].get<double>(), 1.0, 1e-6);  // the CSV holds 6 digits
  EXPECT_NEAR(j["w1_estimate"].get<double>(), 1.05, 0.03);
  EXPECT_LT(j["w1_normalised"].get<double>(), 1.0 + 1e-3);
  EXPECT_GT(j["max_grad_norm"].get<double>(), 0.9);
  std::ifstream in(out);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 1 + 6 * 5);
  const std::string none = path("none.csv");
  expectInvalid("critic --source " + a + " --target " + b + " --method none --out " + none,
                "--method", none);
  expectInvalid("critic --source " + a + " --target " + b + " --lambda -2 --out " + none,
                "--lambda", none);
  expectInvalid(
      "critic --source " + a + " --target " + b + " --grid 4 4 --range 1,0,0,1 --out " + none,
      "--range", none);
  expectInvalid("critic --source " + path("missing.csv") + " --target " + b + " --out " + none,
                "missing.csv", none);
}

// A trained network is a model for sample and field (--model learned:FILE): samples written,
// the JSON naming the model; the GPU twin and the CPU agree; couplings train and report; the
// Vulkan trainer follows the CPU one; bad model files, a density of a network, an unknown
// training backend and couplings of other objectives are refused naming the flag or file, with
// no output left.
TEST_F(Cli, LearnedModelsSampleAndCouplingsTrain) {
  const std::string m = path("flow.safetensors");
  CliResult r =
      cli("train --data gmm8 --width 16 --depth 2 --steps 200 --batch 128 --lr 3e-3 "
          "--coupling exact --quality-every 200 --out " +
          m + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["coupling"], "exact");
  EXPECT_TRUE(j["irreducible_loss"].is_null());  // the independent floor does not apply
  ASSERT_EQ(j["quality"].size(), 1u);
  EXPECT_GT(j["quality"][0]["energy_distance"].get<double>(), 0.0);
  const std::string cpu = path("cpu.csv"), gpu = path("gpu.csv");
  r = cli("sample --data gmm8 --model learned:" + m +
          " --sampler flow-euler --steps 4 --n 200 --out " + cpu + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"], "learned:" + m);
  EXPECT_EQ(j["backend"], "cpu");  // unset on a CPU Vulkan device: the CPU twin
  r = cli("sample --data gmm8 --model learned:" + m +
          " --sampler flow-euler --steps 4 --n 200 --backend gpu --out " + gpu);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string a = slurp(cpu), b = slurp(gpu);
  std::istringstream la(a), lb(b);
  std::string x, y;
  std::getline(la, x), std::getline(lb, y);
  while (std::getline(la, x) && std::getline(lb, y)) {
    const double ax = std::stod(x), bx = std::stod(y);
    ASSERT_NEAR(ax, bx, 1e-4);
  }
  r = cli("field --data gmm8 --model learned:" + m +
          " --quantity velocity --schedule flow --t 0.5 --grid 8 8 --range -3 3 -3 3 --out " +
          path("v.csv"));
  ASSERT_EQ(r.code, 0) << r.err;
  r =
      cli("train --data gmm8 --width 16 --depth 1 --steps 60 --batch 64 --coupling reflow "
          "--reflow-pairs 200 --out " +
          path("r.safetensors") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["steps"], 120);
  ASSERT_EQ(j["reflow_rounds"].size(), 1u);
  EXPECT_GT(j["reflow_rounds"][0]["straightness"].get<double>(), 0.0);
  const std::string o = path("o.csv");
  expectInvalid("sample --data gmm8 --model learned:" + path("none.safetensors") + " --out " + o,
                "none.safetensors", o);
  expectInvalid("sample --data gmm8 --model learned: --out " + o, "--model", o);
  expectInvalid("field --data gmm8 --model learned:" + m +
                    " --quantity logp --schedule flow --t 0.5 --grid 4 4 --range -1 1 -1 1 --out " +
                    o,
                "--quantity", o);
  expectInvalid("sample --data gmm8 --model learned:" + m +
                    " --sampler flow-euler --coupling exact --out " + o,
                "--coupling", o);
  const std::string w = path("w.safetensors");
  // The Vulkan trainer (on any Vulkan device when asked) follows the CPU one's losses: the same
  // minibatches, float32 both.
  double losses[2];
  for (int k = 0; k < 2; ++k) {
    r = cli(std::string("train --steps 30 --batch 64 --width 16 --depth 2 --backend ") +
            (k ? "gpu" : "cpu") + " --out " + path(k ? "g.safetensors" : "c.safetensors") +
            " --json");
    ASSERT_EQ(r.code, 0) << r.err;
    j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["backend"].get<std::string>().rfind(k ? "gpu: Vulkan" : "cpu: fast CPU", 0), 0u)
        << j["backend"];
    losses[k] = j["final_loss"].get<double>();
  }
  EXPECT_NEAR(losses[1], losses[0], 1e-4 * losses[0]);
  expectInvalid("train --backend metal --steps 5 --out " + w, "--backend", w);
  // Class-conditional training on a labelled mixture; unlabelled data is refused.
  const std::string labelled = path("labelled.json");
  std::ofstream(labelled) << R"({"type": "gmm", "weights": [1, 1], "means": [[-2, 0], [2, 0]],
    "covariances": [[[0.1, 0], [0, 0.1]], [[0.1, 0], [0, 0.1]]], "labels": [0, 1]})";
  r = cli("train --data " + labelled + " --conditional --label-dropout 0.2 --steps 20 --out " +
          path("cond.safetensors") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["classes"], 2);
  EXPECT_EQ(j["label_dropout"], 0.2);
  EXPECT_TRUE(j["irreducible_loss"].is_null());
  expectInvalid("train --data " + gmm + " --conditional --steps 5 --out " + w, "--conditional", w);
  expectInvalid("train --objective edm --coupling sinkhorn --steps 5 --out " + w, "--coupling", w);
  expectInvalid("train --reflow-rounds 2 --steps 5 --out " + w, "--reflow-rounds", w);
}

// render --video: the Transport lab's McCann interpolation as a GIF and the Diffusion run as an
// MP4 (one frame per step by default), read back with FFmpeg; --size sets both sides; a lab
// without animation, both outputs at once, an odd MP4 size and a bad rate are refused.
TEST_F(Cli, RenderVideoHasTheFramesAndSizeAsked) {
  CliResult r = cli("render --scene default-transport --video " + path("m.gif") +
                    " --fps 8 --frames 9 --size 120 80 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["frames"], 9);
  flowscope::VideoInfo info = flowscope::readVideoInfo(path("m.gif"));
  EXPECT_EQ(info.frames, 9);
  EXPECT_EQ(info.width, 120);
  EXPECT_EQ(info.height, 80);
  r = cli("render --scene default --video " + path("run.mp4") + " --size 96 64 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  info = flowscope::readVideoInfo(path("run.mp4"));
  EXPECT_EQ(info.frames, nlohmann::json::parse(r.out)["frames"].get<int>());
  EXPECT_EQ(info.frames, 19);  // the default run: 18 steps and the noise
  EXPECT_EQ(info.width, 96);
  const std::string v = path("v.mp4");
  expectInvalid("render --scene default-attention --video " + v, "no animation", v);
  expectInvalid("render --video " + v + " --out " + path("both.png"), "--out", v);
  expectInvalid("render --video " + v + " --size 95 64", "even", v);
  expectInvalid("render --video " + v + " --fps 0", "--fps", v);
  expectInvalid("render --video " + path("v.avi"), ".mp4", path("v.avi"));
  // The flow paths of the Transport lab's coupling mode as their own animation.
  ASSERT_EQ(cli("scene --scene default-transport --out " + path("tc.json")).code, 0);
  auto tc = nlohmann::json::parse(slurp(path("tc.json")));
  tc["transport"]["mode"] = "coupling";
  write("tc.json", tc.dump());
  r = cli("render --scene " + path("tc.json") + " --video " + path("paths.gif") +
          " --frames 6 --size 96 64");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(flowscope::readVideoInfo(path("paths.gif")).frames, 6);
  // --sweep: a parameter sweep of any lab, the field named in --json; a missing field, a bad
  // spec, a value the lab refuses, and --sweep without --video are refused.
  r = cli("render --scene default-transport --video " + path("eps.gif") +
          " --sweep transport.epsilon=0.5:0.01 --sweep-log --frames 5 --size 96 64 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["sweep"]["field"], "transport.epsilon");
  EXPECT_EQ(nlohmann::json::parse(r.out)["sweep"]["spacing"], "geometric");
  EXPECT_EQ(flowscope::readVideoInfo(path("eps.gif")).frames, 5);
  expectInvalid("render --scene default-transport --video " + v + " --sweep transport.eps=1:2",
                "transport.epsilon", v);
  expectInvalid("render --scene default-transport --video " + v + " --sweep transport.epsilon",
                "FIELD=FROM:TO", v);
  expectInvalid("render --scene default-transport --video " + v +
                    " --sweep transport.epsilon=-1:1 --frames 3",
                "epsilon", v);
  expectInvalid(
      "render --scene default-transport --out " + path("s.png") + " --sweep transport.epsilon=1:2",
      "--sweep", path("s.png"));
}

TEST_F(Cli, SceneRoundTripsByteForByteAndErrorsNameTheField) {
  ASSERT_EQ(cli("scene --scene default --out " + path("a.json")).code, 0);
  ASSERT_EQ(cli("scene --scene " + path("a.json") + " --out " + path("b.json")).code, 0);
  EXPECT_EQ(slurp(path("a.json")), slurp(path("b.json")));
  auto j = nlohmann::json::parse(slurp(path("a.json")));
  j["sampling"]["sigma_max"] = -3;
  write("c.json", j.dump());
  expectInvalid("scene --scene " + path("c.json") + " --out " + path("d.json"),
                "sampling.sigma_max", path("d.json"));
  // Transport lab scenes too.
  ASSERT_EQ(cli("scene --scene default-transport --out " + path("t.json")).code, 0);
  ASSERT_EQ(cli("scene --scene " + path("t.json") + " --out " + path("u.json")).code, 0);
  EXPECT_EQ(slurp(path("t.json")), slurp(path("u.json")));
  auto t = nlohmann::json::parse(slurp(path("t.json")));
  EXPECT_EQ(t["lab"], "transport");
  t["transport"]["source"]["weights"][2] = -1;
  write("v.json", t.dump());
  expectInvalid("scene --scene " + path("v.json") + " --out " + path("w.json"),
                "transport.source.weights[2]", path("w.json"));
}

// Every lab of the list: `scene --scene default-<id>` writes its default scene, tagged with its
// lab, which `scene` rewrites byte for byte and `render` draws, to the same pixels as the
// built-in name; the labs' frames differ. A lab without steps refuses --step.
TEST_F(Cli, SceneAndRenderServeEveryLab) {
  std::set<std::string> images;
  for (const flowscope::LabInfo& lab : flowscope::labInfos()) {
    SCOPED_TRACE(lab.id);
    const std::string a = path(lab.id + "-a.json"), b = path(lab.id + "-b.json");
    CliResult r = cli("scene --scene default-" + lab.id + " --out " + a);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("(" + lab.title + " lab)"), std::string::npos) << r.out;
    ASSERT_EQ(cli("scene --scene " + a + " --out " + b).code, 0);
    EXPECT_EQ(slurp(a), slurp(b));
    EXPECT_EQ(nlohmann::json::parse(slurp(a))["lab"], lab.sceneTag);
    const std::string size = " --width 160 --height 100 --json";
    r = cli("render --scene " + a + " --out " + path(lab.id + ".png") + size);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["lab"], lab.id);
    r = cli("render --scene default-" + lab.id + " --out " + path(lab.id + "-builtin.png") + size);
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string png = slurp(path(lab.id + ".png"));
    EXPECT_EQ(png.substr(1, 3), "PNG");
    EXPECT_EQ(png, slurp(path(lab.id + "-builtin.png")));
    images.insert(png);
  }
  EXPECT_EQ(images.size(), flowscope::labInfos().size());
  ASSERT_EQ(cli("scene --scene default --out " + path("d.json")).code, 0);
  EXPECT_EQ(slurp(path("d.json")), slurp(path("diffusion-a.json")));
  expectInvalid("render --scene default-attention --step 2 --out " + path("s.png"),
                "the Attention lab's scenes have no steps", path("s.png"));
  expectInvalid("scene --scene default-atention --out " + path("s.json"),
                "built-in: default, default-diffusion", path("s.json"));
}

TEST_F(Cli, NoVulkanDeviceFallsBackOrExitsThree) {
  const std::string noDriver =
      "VK_DRIVER_FILES=/nonexistent.json VK_ICD_FILENAMES=/nonexistent.json";
  CliResult s = cli(
      "sample --data " + gmm + " --n 100 --steps 4 --out " + path("s.csv") + " --json", noDriver);
  EXPECT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.err.find("falling back to the CPU backend"), std::string::npos) << s.err;
  EXPECT_EQ(nlohmann::json::parse(s.out)["backend"], "cpu");
  CliResult r = cli("render --out " + path("r.png"), noDriver);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_FALSE(fs::exists(path("r.png")));
}

TEST_F(Cli, InfoAndHelp) {
  CliResult i = cli("info --json");
  ASSERT_EQ(i.code, 0);
  auto j = nlohmann::json::parse(i.out);
  EXPECT_GE(j["devices"].size(), 1u);
  EXPECT_FALSE(j["chosen"].is_null());
  for (const char* cmd :
       {"info", "sample", "render", "bench", "scene", "field", "sweep", "ot", "train"}) {
    CliResult h = cli(std::string(cmd) + " --help");
    EXPECT_EQ(h.code, 0) << cmd;
    EXPECT_NE(h.out.find("--"), std::string::npos) << cmd;
  }
  EXPECT_NE(cli("sample --help").out.find("sigma"), std::string::npos) << "conventions are named";
  EXPECT_EQ(cli("").code, 2);
}

TEST_F(Cli, FieldWritesTheModelsQuantitiesAndRejectsBadLevels) {
  CliResult r = cli("field --data " + gmm +
                    " --quantity denoiser --sigma 0.7 --grid 3 2 --range -1 1 0 2 --out " +
                    path("d.csv") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(path("d.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "x,y,d_x,d_y");
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 6);
  // Flow at t = 1 is pure noise: the denoiser is the data mean (0.25 * (-1, 0) + 0.75 * (2, 1)).
  ASSERT_EQ(cli("field --data " + gmm +
                " --quantity denoiser --schedule flow --t 1 --grid 2 2 --range -5 5 -5 5 --out " +
                path("m.csv"))
                .code,
            0);
  std::ifstream m(path("m.csv"));
  std::getline(m, line);
  std::getline(m, line);
  double x, y, dx, dy;
  char c;
  std::istringstream(line) >> x >> c >> y >> c >> dx >> c >> dy;
  EXPECT_NEAR(dx, 1.25, 1e-6);
  EXPECT_NEAR(dy, 0.75, 1e-6);
  const std::string out = path("bad.csv");
  expectInvalid("field --data " + gmm + " --quantity curl --sigma 1 --out " + out, "--quantity",
                out);
  expectInvalid("field --data " + gmm + " --quantity eps --sigma 0 --out " + out, "not defined",
                out);
  expectInvalid("field --data " + gmm + " --schedule linear --t 1000 --out " + out, "--t", out);
  expectInvalid("field --data " + gmm + " --sigma 1 --schedule ve --t 0.5 --out " + out, "--sigma",
                out);
  expectInvalid("field --data " + gmm + " --sigma 1 --grid 1 5 --out " + out, "--grid", out);
  expectInvalid("field --data moons --quantity logp --sigma 0 --out " + out, "point cloud", out);
}

TEST_F(Cli, SweepQualityImprovesWithNfe) {
  CliResult r = cli("sweep --data gmm8 --samplers heun,flow-euler --nfe 7,63 --n 1500 --out " +
                    path("s.csv"));
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(path("s.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "sampler,schedule,steps,nfe,energy_distance,sliced_w2,time_ms");
  std::vector<double> ed;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, ',');) cols.push_back(col);
    ASSERT_EQ(cols.size(), 7u);
    ed.push_back(std::stod(cols[4]));
  }
  ASSERT_EQ(ed.size(), 4u);
  EXPECT_GT(ed[0], 5 * ed[1]) << "heun: 7 evaluations are far worse than 63";
  EXPECT_GT(ed[2], ed[3]) << "flow-euler improves with steps";
  expectInvalid("sweep --data gmm8 --samplers heun,rk4 --out " + path("x.csv"), "--samplers",
                path("x.csv"));
  expectInvalid("sweep --data gmm8 --nfe 0 --out " + path("x.csv"), "--nfe", path("x.csv"));
}

TEST_F(Cli, AttentionMatchesAHandComputedExampleOnBothBackends) {
  // Query (1, 2, 0, 0); keys 0 and (0.5, 1.5, 0, 0): scores 0 and 3.5 * scale; values e0, e1.
  write("q.csv", "a,b,c,d\n1,2,0,0\n");
  write("k.csv", "a,b,c,d\n0,0,0,0\n0.5,1.5,0,0\n");
  write("v.csv", "x,y\n1,0\n0,1\n");
  for (const std::string backend : {"cpu", "gpu"})
    for (auto [scale, factor] : {std::pair{"sqrt", 0.5}, {"none", 1.0}, {"0.25", 0.25}}) {
      const std::string out = path("o.csv"), weights = path("a.csv");
      CliResult r = cli("attention --q " + path("q.csv") + " --k " + path("k.csv") + " --v " +
                        path("v.csv") + " --scale " + scale + " --out " + out + " --weights-out " +
                        weights + " --json --backend " + backend);
      ASSERT_EQ(r.code, 0) << r.err;
      expectRanOn(r.out, backend);
      if (IsSkipped() || HasFatalFailure()) return;
      auto j = nlohmann::json::parse(r.out);
      EXPECT_EQ(j["n"], 1);
      EXPECT_EQ(j["m"], 2);
      EXPECT_EQ(j["d"], 4);
      EXPECT_EQ(j["dv"], 2);
      EXPECT_EQ(j["kind"], "softmax");
      EXPECT_TRUE(j.contains("time_ms"));
      const double w1 = 1.0 / (1.0 + std::exp(-3.5 * factor));
      std::ifstream in(out);
      std::string header;
      double o0, o1;
      char comma;
      std::getline(in, header);
      EXPECT_EQ(header, "o0,o1");
      in >> o0 >> comma >> o1;
      EXPECT_NEAR(o0, 1.0 - w1, 1e-6) << backend << scale;
      EXPECT_NEAR(o1, w1, 1e-6) << backend << scale;
      std::ifstream win(weights);
      std::getline(win, header);
      EXPECT_EQ(header, "k0,k1");
      win >> o0 >> comma >> o1;
      EXPECT_NEAR(o1, w1, 1e-6);
    }
}

TEST_F(Cli, AttentionBackendsAgreeOnEveryKind) {
  std::string q = "a,b,c,d\n", k = q, v = "x,y\n";
  for (int i = 0; i < 40; ++i) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "%g,%g,%g,%g\n", std::sin(i * 1.3), std::cos(i * 0.7),
                  std::sin(i * 0.31 + 1), std::cos(i * 2.1));
    q += buf;
    std::snprintf(buf, sizeof(buf), "%g,%g,%g,%g\n", std::cos(i * 0.9), std::sin(i * 1.7),
                  std::cos(i * 0.11 + 2), std::sin(i * 0.5));
    k += buf;
    std::snprintf(buf, sizeof(buf), "%g,%g\n", std::sin(i * 0.2), 0.1 * i);
    v += buf;
  }
  write("q.csv", q);
  write("k.csv", k);
  write("v.csv", v);
  for (const std::string kind : {"softmax", "linear-elu", "linear-relu", "performer"}) {
    std::vector<std::vector<double>> outs;
    for (const std::string backend : {"reference", "cpu", "gpu"}) {
      const std::string out = path("o_" + backend + ".csv");
      CliResult r =
          cli("attention --q " + path("q.csv") + " --k " + path("k.csv") + " --v " + path("v.csv") +
              " --kind " + kind + " --causal --heads 2 --rope 10000 --features 64 --seed 3 --out " +
              out + " --backend " + backend + " --json");
      ASSERT_EQ(r.code, 0) << r.err;
      expectRanOn(r.out, backend);
      EXPECT_FALSE(nlohmann::json::parse(r.out)["compute"].get<std::string>().empty());
      if (IsSkipped() || HasFatalFailure()) return;
      std::ifstream in(out);
      std::string line;
      std::getline(in, line);
      std::vector<double> values;
      while (std::getline(in, line)) {
        std::replace(line.begin(), line.end(), ',', ' ');
        std::istringstream row(line);
        for (double x; row >> x;) values.push_back(x);
      }
      EXPECT_EQ(values.size(), 80u);
      outs.push_back(values);
    }
    for (size_t b = 1; b < outs.size(); ++b)  // the float32 paths against the double reference
      for (size_t i = 0; i < outs[0].size(); ++i)
        EXPECT_NEAR(outs[b][i], outs[0][i], 2e-5) << kind << " path " << b << " " << i;
  }
}

TEST_F(Cli, AttentionShapeMismatchesExitTwoNamingFilesAndShapes) {
  write("q.csv", "a,b\n1,2\n3,4\n");
  write("k3.csv", "a,b,c\n1,2,3\n");
  write("k.csv", "a,b\n1,2\n");
  write("v2.csv", "x\n1\n2\n");
  write("v.csv", "x,y,z\n1,2,3\n");
  const std::string out = path("o.csv");
  const std::string base = "attention --q " + path("q.csv");
  expectInvalid(base + " --k " + path("k3.csv") + " --v " + path("v.csv") + " --out " + out,
                path("q.csv") + " (2 x 2), " + path("k3.csv") + " (1 x 3)", out);
  expectInvalid(base + " --k " + path("k.csv") + " --v " + path("v2.csv") + " --out " + out,
                path("k.csv") + " (1 x 2), " + path("v2.csv") + " (2 x 1)", out);
  expectInvalid(
      base + " --k " + path("k.csv") + " --v " + path("v.csv") + " --heads 2 --out " + out, "heads",
      out);
  expectInvalid(
      base + " --k " + path("k.csv") + " --v " + path("v.csv") + " --kind cosine --out " + out,
      "--kind: unknown 'cosine'", out);
  expectInvalid(
      base + " --k " + path("k.csv") + " --v " + path("v.csv") + " --scale -2 --out " + out,
      "--scale", out);
  write("bad.csv", "a,b\n1,oops\n");
  expectInvalid(base + " --k " + path("bad.csv") + " --v " + path("v.csv") + " --out " + out,
                "bad.csv: line 2, column 2", out);
}

// Unset, --backend is auto: Vulkan on a GPU, the fast CPU path where the Vulkan device is a CPU
// (lavapipe) or there is none; the JSON says which ran and how, and the paths agree.
TEST_F(Cli, AutoBackendFollowsTheDeviceType) {
  const auto info = nlohmann::json::parse(cli("info --json").out);
  const bool cpuDevice =
      info["devices"].empty() || info["devices"][info["chosen"].get<int>()]["type"] == "cpu";
  std::string pts = "x,y\n";
  for (int i = 0; i < 300; ++i)
    pts += std::to_string(std::fmod(i * 0.618, 1.0)) + "," + std::to_string(i / 300.0) + "\n";
  write("a.csv", pts);
  write("b.csv", "x,y\n0.5,0.5\n0.2,0.9\n0.9,0.1\n0.3,0.3\n");
  const std::string base =
      "ot --source " + path("a.csv") + " --target " + path("b.csv") + " --epsilon 0.02 --json";
  const auto ran = nlohmann::json::parse(cli(base + " --tol 1e-5").out);
  EXPECT_EQ(ran["backend"], cpuDevice ? "cpu" : "gpu");
  if (cpuDevice) {
    EXPECT_EQ(ran["solver"], "stored-kernel-f32");
  }
  const auto ref = nlohmann::json::parse(cli(base + " --tol 1e-5 --backend reference").out);
  EXPECT_EQ(ref["backend"], "reference");
  EXPECT_EQ(ref["solver"], "stored-kernel");
  EXPECT_NEAR(ran["cost"].get<double>(), ref["cost"].get<double>(),
              1e-4 * ref["cost"].get<double>());
  // A tolerance below float32's reach runs the double solver on --backend cpu.
  const auto tight = nlohmann::json::parse(cli(base + " --backend cpu --tol 1e-9").out);
  EXPECT_EQ(tight["solver"], "stored-kernel");
  expectInvalid(base + " --backend tpu", "--backend", "");
}

TEST_F(Cli, OtSolvesPotsExampleAndRejectsBadInput) {
  write("a.csv", "x,y\n0,0\n1,0\n");
  CliResult r = cli("ot --source " + path("a.csv") + " --target " + path("a.csv") +
                    " --method sinkhorn --epsilon 1 --tol 1e-12 --backend cpu --plan-out " +
                    path("plan.csv") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* key :
       {"method", "cost", "w", "iterations", "marginal_error", "time_ms", "backend"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["solver"], "stored-kernel");  // the CPU's solver up to 2,048^2 entries
  EXPECT_NEAR(j["cost"].get<double>(), 0.26894142136999516, 1e-12);
  EXPECT_NEAR(j["w"].get<double>(), std::sqrt(0.26894142136999516), 1e-12);
  std::ifstream plan(path("plan.csv"));
  std::string line;
  std::getline(plan, line);
  EXPECT_EQ(line, "i,j,mass");
  std::getline(plan, line);
  EXPECT_EQ(line.substr(0, 14), "0,0,0.36552928");
  CliResult e =
      cli("ot --source " + path("a.csv") + " --target " + path("a.csv") + " --method exact --json");
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(nlohmann::json::parse(e.out)["cost"].get<double>(), 0.0);
  write("w.csv", "w\n1\n-2\n");
  const std::string out = path("p.csv");
  expectInvalid("ot --source " + path("a.csv") + " --target " + path("a.csv") +
                    " --source-weights " + path("w.csv") + " --plan-out " + out,
                "w.csv: line 3", out);
  write("zero.csv", "w\n0\n0\n");
  expectInvalid("ot --source " + path("a.csv") + " --target " + path("a.csv") +
                    " --target-weights " + path("zero.csv") + " --plan-out " + out,
                "all weights are zero", out);
  expectInvalid(
      "ot --source " + path("none.csv") + " --target " + path("a.csv") + " --plan-out " + out,
      "none.csv", out);
  expectInvalid("ot --source " + path("a.csv") + " --target " + path("a.csv") +
                    " --method auction --plan-out " + out,
                "--method", out);
  expectInvalid("ot --source " + path("a.csv") + " --target " + path("a.csv") +
                    " --epsilon -1 --plan-out " + out,
                "--epsilon", out);
  expectInvalid("ot --source " + path("a.csv") + " --target " + path("a.csv") +
                    " --cost l1 --plan-out " + out,
                "--cost", out);
}

TEST_F(Cli, RfPrintsTheRecurrencesAsJson) {
  // Hand-computed: conv 3/1/1 -> r 3, j 1, start 0; maxpool 2/2 -> r 4, j 2, start 0.5;
  // conv 3 dilation 2 padding 2 -> r 12, j 2, start 0.5; a block of that path and the identity.
  write("a.json", R"({"name": "t", "input": [32, 32], "layers": [
      {"name": "c1", "type": "conv", "kernel": 3, "padding": 1},
      {"name": "p1", "type": "maxpool", "kernel": 2, "stride": 2},
      {"name": "b", "type": "parallel", "branches": [
          [{"name": "c2", "type": "conv", "kernel": 3, "padding": 2, "dilation": 2}], []]}]})");
  CliResult r = cli("rf --arch " + path("a.json") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["layers"].size(), 3u);
  const int size[] = {3, 4, 12}, jump[] = {1, 2, 2};
  const double start[] = {0.0, 0.5, 0.5};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(j["layers"][i]["size"], size[i]);
    EXPECT_EQ(j["layers"][i]["jump"], jump[i]);
    EXPECT_EQ(j["layers"][i]["start"].get<double>(), start[i]);
  }
  EXPECT_EQ(j["layers"][2]["branches"][0][0]["name"], "c2");
  EXPECT_EQ(j["size"], 12);
  EXPECT_EQ(j["jump"], 2);
  // A preset, saved and read back, gives the published 212 of VGG-16.
  r = cli("rf --arch vgg16 --save-arch " + path("vgg.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  r = cli("rf --arch " + path("vgg.json") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["size"], 212);
}

TEST_F(Cli, RfErfWritesCsvAndPngOnBothBackends) {
  std::vector<double> first;
  for (const char* backend : {"cpu", "gpu"}) {
    CliResult r = cli("rf --arch stack3x3 --erf --layer conv4 --out " + path("e.csv") +
                      " --json --backend " + std::string(backend));
    ASSERT_EQ(r.code, 0) << r.err;
    expectRanOn(r.out, backend);
    if (IsSkipped() || HasFatalFailure()) return;
    const auto j = nlohmann::json::parse(r.out);
    // Four uniform 3x3 layers: the spread is sqrt(4 * 2/3); the box 9 x 9 about (64, 64).
    EXPECT_NEAR(j["spread"].get<double>(), std::sqrt(8.0 / 3.0), 1e-5);
    EXPECT_EQ(j["box"], nlohmann::json({60.0, 60.0, 68.0, 68.0}));
    EXPECT_EQ(j["support"], nlohmann::json({60, 60, 68, 68}));
    std::ifstream csv(path("e.csv"));
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line.substr(0, 6), "x0,x1,");
    std::vector<double> values;
    while (std::getline(csv, line)) {
      std::stringstream row(line);
      std::string cell;
      while (std::getline(row, cell, ',')) values.push_back(std::stod(cell));
    }
    ASSERT_EQ(values.size(), 128u * 128u);
    if (first.empty()) first = values;
    for (size_t i = 0; i < values.size(); ++i)  // float32 on the GPU
      ASSERT_NEAR(values[i], first[i], 1e-6 * first[i]) << i;
  }
  CliResult r =
      cli("rf --arch resnet50 --erf --layer res3a --weights random --relu --seeds 3 "
          "--out " +
          path("e.png"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(path("e.png")).substr(1, 3), "PNG");
}

TEST_F(Cli, RfBadArchitecturesExitTwoNamingTheLayer) {
  const std::string out = path("e.csv");
  write("type.json", R"({"input": [32, 32], "layers": [{"name": "c1", "type": "conv", "kernel": 3},
      {"name": "up", "type": "upsample", "kernel": 2}]})");
  expectInvalid("rf --arch " + path("type.json"),
                "layer 'up' (layers[1]): type: unknown 'upsample'", out);
  write("size.json",
        R"({"input": [32, 32], "layers": [{"name": "c1", "type": "conv", "kernel": 0}]})");
  expectInvalid("rf --arch " + path("size.json"),
                "layer 'c1' (layers[0]): kernel must be a positive", out);
  write("malformed.json",
        "{\"input\": [32, 32], \"layers\": [\n  {\"name\": \"c1\" \"type\": \"conv\"}]}");
  expectInvalid("rf --arch " + path("malformed.json"), "malformed.json: malformed JSON", out);
  expectInvalid("rf --arch nosuch", "nosuch", out);
  expectInvalid("rf --arch vgg16 --erf --layer conv9_9 --out " + out, "no layer 'conv9_9'", out);
  expectInvalid("rf --arch vgg16 --erf --layer conv1_1 --weights gaussian --out " + out,
                "--weights: unknown 'gaussian'", out);
  expectInvalid("rf --arch vgg16 --erf --layer conv1_1 --unit 3 --out " + out, "--unit", out);
  expectInvalid("rf --arch vgg16 --erf --layer conv1_1 --out " + path("e.txt"), "--out", out);
}
