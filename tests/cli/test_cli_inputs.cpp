// Hostile input, table-driven: every subcommand fed extreme numbers, malformed and oversized
// files, directories, unwritable and full output locations. Each case states the exit code, words
// its message must contain, and what must hold of the files afterwards: no temporary left, the
// outputs it names absent (present on success), and keep.csv and keep.json (existing outputs)
// byte-identical.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const char* const kKeep = "keep me: an earlier output\n";

struct Case {
  const char* name;
  std::string args;                  // run in the fixture directory
  int code;                          // expected exit code
  std::vector<std::string> words;    // each in stdout + stderr
  std::vector<std::string> outputs;  // files it names: absent after a failure, present on success
  std::string wrap = "";             // "fsize:<KiB>": a full disk; "nobody": an unprivileged user
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.name;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string randomCsv(const std::string& header, int rows, int cols, double scale, unsigned seed) {
  std::string out = header + "\n";
  unsigned x = seed;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      x = x * 1664525u + 1013904223u;
      out += std::to_string(scale * (double(x >> 8) / double(1u << 24) - 0.5)) +
             (c + 1 < cols ? "," : "\n");
    }
  return out;
}

// A parallel block nested `levels` deep around one convolution.
std::string nestedArchitecture(int levels) {
  std::string s = R"({"name": "deep", "input": [32, 32], "layers": [)";
  for (int i = 0; i < levels; ++i)
    s += R"({"name": "p)" + std::to_string(i) + R"(", "type": "parallel", "branches": [[)";
  s += R"({"name": "c", "type": "conv", "kernel": 3})";
  for (int i = 0; i < levels; ++i) s += "]]}";
  return s + "]}";
}

std::string convStack(int layers, int size) {
  std::string s = R"({"name": "stack", "input": [)" + std::to_string(size) + ", " +
                  std::to_string(size) + R"(], "layers": [)";
  for (int i = 0; i < layers; ++i)
    s += std::string(i ? "," : "") + R"({"name": "c)" + std::to_string(i) +
         R"(", "type": "conv", "kernel": 3, "padding": 1})";
  return s + "]}";
}

std::string tapsFile(int layers, double tap) {
  std::string s = "{";
  const std::string t = std::to_string(tap), row = "[" + t + "," + t + "," + t + "]";
  for (int i = 0; i < layers; ++i)
    s += std::string(i ? "," : "") + "\"c" + std::to_string(i) + "\": [" + row + "," + row + "," +
         row + "]";
  return s + "}";
}

// A PNG signature and an IHDR chunk claiming 100,000 x 100,000 pixels (no image data).
std::string hugePngHeader() {
  const unsigned char bytes[] = {0x89, 'P',  'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0,    0,
                                 13,   'I',  'H', 'D', 'R',  0,    0,    0x27, 0x10, 0,    0,
                                 0x27, 0x10, 8,   0,   0,    0,    0,    0x9f, 0x25, 0x3d, 0xfb};
  return std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes));  // CRC included
}

std::string scene(const std::string& sampling, const std::string& camera, const std::string& data) {
  return R"({"flowscope_scene": 1, "lab": "gmm-diffusion", "seed": 1, "step": 0, "playing": true,
  "sampling": )" +
         sampling + R"(,
  "display": {"field": "score", "heatmap": "data", "trail_length": 12, "steps_per_second": 4,
              "show_particles": true, "show_trails": true, "show_field": true,
              "show_heatmap": true, "loop": true},
  "camera": )" +
         camera + R"(, "data": )" + data + "}";
}

const std::string kSampling =
    R"({"sampler": "heun", "schedule": "karras", "steps": 6, "sigma_min": 0.002,
        "sigma_max": 80, "rho": 7, "particles": 1000})";
const std::string kCamera = R"({"center": [0, 0], "height": 8})";
const std::string kData = R"({"type": "preset", "name": "gmm8"})";

class CliInputs : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("flowscope-cli-inputs-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const fs::path& d = dir_;
    write(d / "far.csv", "x,y\n0,0\n1e300,2\n");
    write(d / "nan.csv", "x,y\n0,0\nnan,1\n");
    write(d / "text.csv", "x,y\n0,0\n1,two\n");
    write(d / "noheader.csv", "0,0\n1,1\n");
    write(d / "empty.csv", "");
    write(d / "a.csv", randomCsv("x,y", 300, 2, 4.0, 1));
    write(d / "b.csv", randomCsv("x,y", 300, 2, 4.0, 2));
    write(d / "a6k.csv", randomCsv("x,y", 6000, 2, 4.0, 3));
    std::string weights = "w\n1e300\n";
    for (int i = 1; i < 300; ++i) weights += "1\n";
    write(d / "w_huge.csv", weights);
    const std::string mix = R"({"type": "gmm", "weights": %W, "means": %M, "covariances": %C})";
    auto mixture = [&](const std::string& w, const std::string& m, const std::string& c) {
      std::string s = mix;
      s.replace(s.find("%W"), 2, w);
      s.replace(s.find("%M"), 2, m);
      s.replace(s.find("%C"), 2, c);
      return s;
    };
    const std::string unit = "[[[1, 0], [0, 1]]]";
    write(d / "mix_mean.json", mixture("[1]", "[[1e300, 0]]", unit));
    write(d / "mix_weight.json", mixture("[1e300]", "[[0, 0]]", unit));
    write(d / "mix_cov.json", mixture("[1]", "[[0, 0]]", "[[[1e-20, 0], [0, 1e-20]]]"));
    write(d / "mix_cov0.json", mixture("[1]", "[[0, 0]]", "[[[1e-300, 0], [0, 1e-300]]]"));
    write(d / "mix_singular.json", mixture("[1]", "[[0, 0]]",
                                           "[[[1, 0.99999999999], "
                                           "[0.99999999999, 1]]]"));
    write(d / "mix_1e400.json", mixture("[1e400]", "[[0, 0]]", unit));
    write(d / "deep.json", std::string(20000, '[') + std::string(20000, ']'));
    fs::create_directories(d / "folder.json");
    fs::create_directories(d / "folder.csv");
    fs::create_directories(d / "locked");
    fs::permissions(d / "locked", fs::perms::none);
    write(d / "garbage.png", "this is not a PNG");
    write(d / "huge.png", hugePngHeader());
    write(d / "q.csv", randomCsv("a,b,c,d", 40, 4, 2.0, 4));
    write(d / "k.csv", randomCsv("a,b,c,d", 40, 4, 2.0, 5));
    write(d / "v.csv", randomCsv("a,b", 40, 2, 2.0, 6));
    write(d / "q_big.csv", "a,b,c,d\n1e20,0,0,0\n");
    write(d / "q_small.csv", randomCsv("a,b", 3, 2, 2.0, 7));
    write(d / "k_long.csv", randomCsv("a,b", 3000, 2, 2.0, 8));
    write(d / "v_long.csv", randomCsv("a", 3000, 1, 2.0, 9));
    write(d / "tokens_400k.csv", randomCsv("a", 400000, 1, 2.0, 10));
    write(d / "rf_nested.json", nestedArchitecture(20));
    write(d / "rf_deep.json", nestedArchitecture(20000));
    write(d / "rf_bigk.json", R"({"name": "big", "input": [4096, 4096],
                                  "layers": [{"name": "c1", "type": "conv", "kernel": 2048}]})");
    write(d / "rf_stack90.json", convStack(90, 64));
    write(d / "taps1000.json", tapsFile(90, 1000.0));
    write(d / "taps_huge.json", tapsFile(1, 1e300));
    write(d / "scene_sigma.json",
          scene(R"({"sampler": "heun", "schedule": "karras", "steps": 6, "sigma_min": 0.002,
                    "sigma_max": 1e308, "rho": 7, "particles": 1000})",
                kCamera, kData));
    write(d / "scene_camera.json",
          scene(kSampling, R"({"center": [0, 0], "height": 1e308})", kData));
    write(d / "scene_centre.json",
          scene(kSampling, R"({"center": [1e300, 0], "height": 8})", kData));
    write(d / "scene_points.json",
          scene(kSampling, kCamera, R"({"type": "points", "points": [[0, 0], [1e300, 1]]})"));
    write(d / "scene_1e400.json",
          scene(kSampling, kCamera, kData)
              .replace(scene(kSampling, kCamera, kData).find("\"seed\": 1"), 9, "\"seed\": 1e400"));
    write(d / "scene_budget.json",
          scene(R"({"sampler": "langevin", "schedule": "ve", "steps": 1000, "sigma_min": 0.01,
                    "sigma_max": 50, "rho": 7, "particles": 1000, "langevin_steps": 1000})",
                kCamera, kData));
    write(d / "scene_langevin.json",
          scene(R"({"sampler": "langevin", "schedule": "ve", "steps": 10, "sigma_min": 0.01,
                    "sigma_max": 50, "rho": 7, "particles": 1000, "langevin_eps": 1e10})",
                kCamera, kData));
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::permissions(dir_ / "locked", fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  void SetUp() override {
    write(dir_ / "keep.csv", kKeep);
    write(dir_ / "keep.json", kKeep);
  }

  struct Result {
    int code;
    std::string output;
  };
  static Result run(const Case& c) {
    std::string command = std::string(FLOWSCOPE_CLI) + " " + c.args;
    if (c.wrap.rfind("fsize:", 0) == 0)  // writes past the size fail with EFBIG, as on a full disk
      command = "trap '' XFSZ; ulimit -f " + c.wrap.substr(6) + "; exec " + command;
    else if (c.wrap == "nobody" && ::geteuid() == 0)  // root ignores permissions
      command = "setpriv --reuid=65534 --regid=65534 --clear-groups " + command;
    const fs::path err = dir_ / "stderr.txt";
    command = "cd " + dir_.string() + " && (" + command + ") 2>" + err.string();
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
    const int status = pclose(pipe);
    out += slurp(err);
    fs::remove(err);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
  }
  static fs::path dir_;
};

fs::path CliInputs::dir_;

TEST_P(CliInputs, ExitsNamingTheProblemAndKeepsTheFiles) {
  const Case& c = GetParam();
  const Result r = run(c);
  EXPECT_EQ(r.code, c.code) << c.args << "\n" << r.output;
  for (const auto& w : c.words)
    EXPECT_NE(r.output.find(w), std::string::npos) << "expected '" << w << "' in:\n" << r.output;
  for (const auto& o : c.outputs)
    EXPECT_EQ(fs::exists(dir_ / o), c.code == 0) << o << (c.code ? " was written" : " is missing");
  for (const char* keep : {"keep.csv", "keep.json"})
    EXPECT_EQ(slurp(dir_ / keep), kKeep) << "an existing output was changed: " << keep;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "temporary left: " << name;
    EXPECT_EQ(name.find(".bak-"), std::string::npos) << "backup left: " << name;
  }
  for (const auto& o : c.outputs) fs::remove(dir_ / o);
}

const Case kCases[] = {
    // 1. Finite but extreme numbers are refused, naming the flag or the field.
    {"CloudNear1e300",
     "sample --data far.csv --n 1000 --backend cpu --out out.csv",
     2,
     {"far.csv: line 3, column 1 (x)", "outside the accepted range of coordinates"},
     {"out.csv"}},
    {"CloudNaN",
     "sample --data nan.csv --n 1000 --out out.csv",
     2,
     {"nan.csv: line 3, column 1 (x): 'nan' is not a finite number"},
     {"out.csv"}},
    {"CloudText",
     "sample --data text.csv --n 1000 --out out.csv",
     2,
     {"text.csv: line 3, column 2 (y): 'two'"},
     {"out.csv"}},
    {"CloudNoHeader",
     "sample --data noheader.csv --n 1000 --out out.csv",
     2,
     {"noheader.csv: line 1: expected the header x,y"},
     {"out.csv"}},
    {"CloudEmpty",
     "sample --data empty.csv --n 1000 --out out.csv",
     2,
     {"empty.csv: line 1: expected the header x,y"},
     {"out.csv"}},
    {"MixtureHugeMean",
     "sample --data mix_mean.json --n 1000 --out out.csv",
     2,
     {"mix_mean.json: field 'means[0]'", "outside the accepted range"},
     {"out.csv"}},
    {"MixtureHugeWeight",
     "sample --data mix_weight.json --n 1000 --out out.csv",
     2,
     {"field 'weights[0]': weights must be between 0 and 1e+15"},
     {"out.csv"}},
    {"MixtureTinyCovariance",
     "field --data mix_cov.json --sigma 0 --out out.csv",
     2,
     {"field 'covariances[0]'", "variances must be between 1e-12 and 1e+12"},
     {"out.csv"}},
    {"MixtureCovarianceUnderflows",
     "field --data mix_cov0.json --sigma 0 --out out.csv",
     2,
     {"field 'covariances[0]'", "not symmetric positive definite"},
     {"out.csv"}},
    {"MixtureSingularCovariance",
     "field --data mix_singular.json --sigma 0 --out out.csv",
     2,
     {"field 'covariances[0]'", "numerically singular"},
     {"out.csv"}},
    {"SigmaMax1e308",
     "sample --data gmm8 --n 1000 --schedule karras --sigma-max 1e308 --out out.csv",
     2,
     {"--sigma-max: must be between 1e-05 and 100000 (got 1e+308)"},
     {"out.csv"}},
    {"SigmaMinTiny",
     "sample --data gmm8 --n 1000 --schedule ve --sampler euler "
     "--sigma-min 1e-300 --out out.csv",
     2,
     {"--sigma-min: must be between 1e-05"},
     {"out.csv"}},
    {"RhoTiny",
     "sample --data gmm8 --n 1000 --rho 1e-3 --out out.csv",
     2,
     {"--rho: must be between 0.1 and 100"},
     {"out.csv"}},
    {"SNoise1e308",
     "sample --data gmm8 --n 1000 --sampler edm-stochastic --s-churn 10 "
     "--s-noise 1e308 --out out.csv",
     2,
     {"--s-noise: must be above 0 and at most 10"},
     {"out.csv"}},
    {"LangevinEps1e10",
     "sample --data gmm8 --n 1000 --sampler langevin --langevin-eps 1e10 "
     "--out out.csv",
     2,
     {"--langevin-eps: must be above 0 and at most 1"},
     {"out.csv"}},
    {"LangevinEpsUnstable",
     "sample --data gmm8 --n 1000 --sampler langevin --langevin-eps 1e-3 "
     "--out out.csv",
     2,
     {"--langevin-eps: must be at most 2 sigma_min^2 = 0.0002", "diverges"},
     {"out.csv"}},
    {"CouplingBandwidthTiny",
     "sample --data gmm8 --n 1000 --sampler flow-euler --coupling "
     "sinkhorn --coupling-bandwidth 1e-300 --out out.csv",
     2,
     {"--coupling-bandwidth: must be between 0.001 and 100"},
     {"out.csv"}},
    {"FieldSigma1e308",
     "field --data gmm8 --sigma 1e308 --out out.csv",
     2,
     {"--sigma: must be between 1e-05 and 100000"},
     {"out.csv"}},
    {"FieldRangeInf",
     "field --data gmm8 --sigma 1 --range -inf 1 0 1 --out out.csv",
     2,
     {"--range: must be at most 1e+06 in absolute value (got -inf)"},
     {"out.csv"}},
    {"FieldRange1e300",
     "field --data gmm8 --sigma 1 --range -1e300 1e300 0 1 --out out.csv",
     2,
     {"--range: must be at most 1e+06"},
     {"out.csv"}},
    {"FieldKarrasT1e308",
     "field --data gmm8 --schedule karras --t 1e308 --out out.csv",
     2,
     {"--t: must be a noise level sigma in [0, 100000]"},
     {"out.csv"}},
    {"EmpiricalTinySigma",
     "field --data moons --sigma 1e-300 --out out.csv",
     2,
     {"--sigma: must be between 1e-05"},
     {"out.csv"}},
    {"EmpiricalSmallestSigmaIsFinite",
     "field --data moons --sigma 1e-5 --grid 8 8 --out out.csv",
     0,
     {"wrote 64 values of score"},
     {"out.csv"}},
    {"AttentionEntry1e20",
     "attention --q q_big.csv --k k.csv --v v.csv --out out.csv",
     2,
     {"q_big.csv: line 2, column 1 (a): 1e+20 is outside the accepted range of attention inputs"},
     {"out.csv"}},
    {"AttentionScale1e308",
     "attention --q q.csv --k k.csv --v v.csv --scale 1e308 --out out.csv",
     2,
     {"--scale: must be at most 10000"},
     {"out.csv"}},
    {"AttentionRopeBase1e308",
     "attention --q q.csv --k k.csv --v v.csv --rope 1e308 --out out.csv",
     2,
     {"rope: the base must be above 1 and at most 1e+12"},
     {"out.csv"}},
    {"RfTap1e300",
     "rf --arch rf_stack90.json --erf --layer c0 --weights taps_huge.json "
     "--out out.csv",
     2,
     {"taps_huge.json: layer 'c0': taps must be numbers of at most 1000"},
     {"out.csv"}},
    {"OtWeight1e300",
     "ot --source a.csv --target b.csv --source-weights w_huge.csv",
     2,
     {"w_huge.csv: line 2, column 1 (w): 1e+300 is outside the accepted range of weights"},
     {}},
    {"OtEpsilonTiny",
     "ot --source a.csv --target b.csv --epsilon 1e-300",
     2,
     {"--epsilon: must be between 1e-06 and 1e+06"},
     {}},
    {"SceneSigmaMax",
     "render --scene scene_sigma.json --out out.png",
     2,
     {"scene_sigma.json: field 'sampling.sigma_max': must be between 1e-05 and 100000"},
     {"out.png"}},
    {"SceneCameraHeight",
     "scene --scene scene_camera.json",
     2,
     {"field 'camera.height': must be positive and at most 1e+07"},
     {}},
    {"SceneCameraCentre",
     "scene --scene scene_centre.json",
     2,
     {"field 'camera.center'", "outside the accepted range of coordinates"},
     {}},
    {"ScenePoints",
     "scene --scene scene_points.json",
     2,
     {"field 'data.points[1]'", "outside the accepted range of coordinates"},
     {}},
    {"SceneLangevinEps",
     "scene --scene scene_langevin.json",
     2,
     {"field 'sampling.langevin_eps'"},
     {}},
    // A computation that passes the ranges and still overflows says where, and writes nothing.
    {"RfOverflowOnTheGpu",
     "rf --arch rf_stack90.json --erf --layer c89 --weights taps1000.json "
     "--backend gpu --out out.csv",
     2,
     {"ERF of layer 'c89' on the GPU", "not finite", "overflowed float32"},
     {"out.csv"}},
    {"RfOverflowOnTheCpu",
     "rf --arch rf_stack90.json --erf --layer c89 --weights taps1000.json "
     "--backend cpu --out out.csv",
     2,
     {"ERF: the gradient back through layer 'c", "not finite"},
     {"out.csv"}},
    {"RfOverflowKeepsSavedArch",
     "rf --arch rf_stack90.json --save-arch keep.json --erf --layer c89 --weights taps1000.json "
     "--backend cpu --out out.csv",
     2,
     {"not finite"},
     {"out.csv"}},
    // 2. Unbounded work is refused up front or stops when it stalls.
    {"SinkhornFloat32StallFinishesOnTheCpu",
     "ot --source a.csv --target b.csv --epsilon 0.02 --tol 1e-6 --max-iter 1000000 "
     "--backend gpu --json",
     0,
     {"stopped falling", "finishing in double precision on the CPU", "\"backend\":\"gpu+cpu\"",
      "\"converged\":true"},
     {}},
    {"ExactOtTooLarge",
     "ot --source a6k.csv --target a6k.csv --method exact",
     2,
     {"6000 x 6000 points is above the exact method's 2.5e+07 entries"},
     {}},
    {"RfErfWorkBudget",
     "rf --arch rf_bigk.json --erf --layer c1 --out out.png",
     2,
     {"ERF: 1.76094e+13 multiply-adds", "above the budget of 4.3e+09"},
     {"out.png"}},
    {"RfGrowthWorkBudget",
     "rf --arch rf_stack90.json --erf --growth --seeds 1024 --weights random",
     2,
     {"ERF growth:", "above the budget"},
     {}},
    {"SceneNfeBudget",
     "render --scene scene_budget.json --out out.png",
     2,
     {"field 'sampling.langevin_steps'", "above the budget of 10000 model evaluations"},
     {"out.png"}},
    {"SamplingWorkBudget",
     "sample --data moons --n 4194304 --steps 1000 --out out.csv",
     2,
     {"--n: 4194304 x 2000 model terms", "above the budget of 1e+12"},
     {"out.csv"}},
    {"TrajectoryRows",
     "sample --data gmm8 --n 100000 --steps 200 --trajectories t.csv "
     "--out out.csv",
     2,
     {"--trajectories: 100000 particles x 201 states is above 16777216 rows"},
     {"out.csv", "t.csv"}},
    {"AttentionWorkBudget",
     "attention --q tokens_400k.csv --k tokens_400k.csv --v "
     "tokens_400k.csv --out out.csv",
     2,
     {"--q, --k: n x m x (d + dv) = 3.2e+11 multiply-adds is above the budget"},
     {"out.csv"}},
    {"LinearAttentionHasNoSuchBudget",
     "attention --q tokens_400k.csv --k tokens_400k.csv --v "
     "tokens_400k.csv --kind linear-elu --backend cpu "
     "--out out.csv",
     0,
     {"linear-elu attention"},
     {"out.csv"}},
    // 3. Deep nesting is an error naming the place, never a stack overflow.
    {"RfNestedTooDeep",
     "rf --arch rf_nested.json",
     2,
     {"layer 'p16'", "parallel blocks nest more than 16 levels deep"},
     {}},
    {"RfJsonDeep",
     "rf --arch rf_deep.json",
     2,
     {"rf_deep.json: line 1, column",
      "nested deeper "
      "than 128 levels"},
     {}},
    {"SceneJsonDeep", "scene --scene deep.json", 2, {"deep.json: line 1, column 129"}, {}},
    {"MixtureJsonDeep", "sample --data deep.json --out out.csv", 2, {"nested deeper"}, {"out.csv"}},
    // 4. Input problems exit 2, never 3.
    {"JsonNumber1e400",
     "sample --data mix_1e400.json --out out.csv",
     2,
     {"mix_1e400.json: line 1: number out of range: 1e400"},
     {"out.csv"}},
    {"SceneNumber1e400", "scene --scene scene_1e400.json", 2, {"number out of range: 1e400"}, {}},
    {"DirectoryAsData",
     "sample --data folder.json --out out.csv",
     2,
     {"folder.json: cannot open file: is a directory"},
     {"out.csv"}},
    {"DirectoryAsArch",
     "rf --arch folder.json",
     2,
     {"folder.json: cannot open file: is a directory"},
     {}},
    {"DirectoryAsScene", "scene --scene folder.json", 2, {"is a directory"}, {}},
    {"DirectoryAsPoints", "ot --source folder.csv --target b.csv", 2, {"is a directory"}, {}},
    {"DirectoryAsQueries",
     "attention --q folder.csv --k k.csv --v v.csv --out out.csv",
     2,
     {"folder.csv: cannot open file: is a directory"},
     {"out.csv"}},
    {"MissingFile",
     "sample --data nowhere.csv --out out.csv",
     2,
     {"nowhere.csv: cannot open file: No such file or directory"},
     {"out.csv"}},
    {"GarbagePng",
     "sample --data garbage.png --out out.csv",
     2,
     {"garbage.png: cannot read PNG"},
     {"out.csv"}},
    {"HugePng",
     "rf --arch stack3x3 --erf --layer conv12 --input huge.png --relu --out out.csv",
     2,
     {"huge.png: the image is 10000 x 10000 pixels; at most 8192 a side"},
     {"out.csv"}},
    {"LockedOutputDirectory",
     "sample --data gmm8 --n 1000 --out locked/out.csv",
     2,
     {"--out locked/out.csv: cannot write into locked (Permission denied)"},
     {},
     "nobody"},
    {"OutputIsADirectory",
     "sample --data gmm8 --n 1000 --out folder.csv",
     2,
     {"--out folder.csv: is a directory"},
     {}},
    // 5. Full disks, two outputs, empty paths.
    {"FullDiskAttention",
     "attention --q q.csv --k k.csv --v v.csv --out out.csv",
     2,
     {"out.csv: cannot write file: File too large"},
     {"out.csv"},
     "fsize:1"},
    {"FullDiskErfPng",
     "rf --arch stack3x3 --erf --layer conv12 --relu --seeds 4 --weights random "
     "--out out.png",
     2,
     {"out.png: cannot write file"},
     {"out.png"},
     "fsize:2"},
    {"FullDiskRender",
     "render --out out.png",
     2,
     {"out.png: cannot write file"},
     {"out.png"},
     "fsize:8"},
    {"FullDiskSample",
     "sample --data gmm8 --n 1000 --out keep.csv",
     2,
     {"keep.csv: cannot write file"},
     {},
     "fsize:4"},
    {"FullDiskScene",
     "scene --scene default --out out.json",
     2,
     {"out.json: cannot write file"},
     {"out.json"},
     "fsize:1"},
    {"SecondOutputFailsFirstUntouched",
     "attention --q q_small.csv --k k_long.csv --v v_long.csv --out keep.csv --weights-out w.csv",
     2,
     {"w.csv: cannot write file"},
     {"w.csv"},
     "fsize:4"},
    {"TrajectoriesFailSamplesUntouched",
     "sample --data gmm8 --n 1000 --steps 50 --out keep.csv --trajectories t.csv",
     2,
     {"t.csv: cannot write file"},
     {"t.csv"},
     "fsize:64"},
    {"SameFileForTwoOutputs",
     "attention --q q.csv --k k.csv --v v.csv --out keep.csv --weights-out keep.csv",
     2,
     {"keep.csv: the same file is given for two outputs"},
     {}},
    {"SaveArchOnlyWithTheErf",
     "rf --arch vgg16 --save-arch keep.json --erf --layer nolayer "
     "--out out.png",
     2,
     {"--layer: no layer 'nolayer'"},
     {"out.png"}},
    {"EmptyWeightsOut",
     "attention --q q.csv --k k.csv --v v.csv --out out.csv --weights-out ''",
     2,
     {"--weights-out: empty path"},
     {"out.csv"}},
    {"EmptySceneOut", "scene --scene default --out ''", 2, {"--out: empty path"}, {}},
    {"EmptyData", "sample --data '' --out out.csv", 2, {"--data: empty path"}, {"out.csv"}},
    {"EmptyPlanOut",
     "ot --source a.csv --target b.csv --plan-out ''",
     2,
     {"--plan-out: empty path"},
     {}},
};

INSTANTIATE_TEST_SUITE_P(Table, CliInputs, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
