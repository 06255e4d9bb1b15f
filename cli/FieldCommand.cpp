// flowscope-cli field: a field of the exact (or a learned) model on a grid, as CSV.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "CsvFile.h"
#include "DiffusionParams.h"
#include "Limits.h"
#include "OutputFiles.h"
#include "OutputPath.h"
#include "Parallel.h"
#include "SamplingFlags.h"

namespace flowscope::cli {
namespace {

// Grid nodes x model terms (components or points) of one field: tens of seconds in double.
constexpr double kMaxFieldWork = 2e10;

struct FieldArgs {
  SamplingFlags flags;
  std::string quantity = "score", out;
  std::optional<double> sigma, t;
  std::vector<int> gridSize{64, 64};
  std::vector<double> range{-4, 4, -4, 4};
  bool json = false;
};

int runField(const FieldArgs& a) {
  const std::vector<std::string> quantities = {"score", "velocity", "eps", "denoiser", "logp"};
  if (std::find(quantities.begin(), quantities.end(), a.quantity) == quantities.end())
    throw InputError("--quantity: unknown '" + a.quantity +
                     "' (valid: score, velocity, eps, denoiser, logp)");
  if (a.sigma.has_value() == (a.t.has_value() || !a.flags.schedule.empty()))
    throw InputError("--sigma: give either --sigma S, or --schedule NAME --t T");
  NoiseLevel level;
  ScheduleKind kind = ScheduleKind::Ve;
  if (a.sigma) {
    if (*a.sigma != 0.0) requireInRange("--sigma", *a.sigma, limits::kMinSigma, limits::kMaxSigma);
    level = {*a.sigma, 1.0, *a.sigma};
  } else {
    if (!a.t) throw InputError("--t: --schedule needs --t T");
    try {
      kind = parseSchedule(a.flags.schedule);
    } catch (const InputError& e) {
      throw InputError(std::string("--") + e.what());
    }
    ScheduleParams p = defaultSchedule(kind, 1);
    if (a.flags.sigmaMin) p.sigmaMin = *a.flags.sigmaMin;
    if (a.flags.sigmaMax) p.sigmaMax = *a.flags.sigmaMax;
    try {
      level = levelAt(p, *a.t);
    } catch (const InputError& e) {
      throw InputError(std::string("--") + e.what());
    }
  }
  if (a.gridSize.size() != 2 || a.gridSize[0] < 2 || a.gridSize[1] < 2 || a.gridSize[0] > 4096 ||
      a.gridSize[1] > 4096)
    throw InputError("--grid: expected W H, each between 2 and 4096");
  if (a.range.size() != 4 || !(a.range[1] > a.range[0]) || !(a.range[3] > a.range[2]))
    throw InputError("--range: expected x0 x1 y0 y1 with x0 < x1 and y0 < y1");
  for (double v : a.range) requireMagnitude("--range", v, limits::kMaxCoordinate);
  const bool needsNoise = a.quantity == "eps" || a.quantity == "velocity";
  if (needsNoise && level.tau == 0.0)
    throw InputError("--" + std::string(a.sigma ? "sigma" : "t") + ": " + a.quantity +
                     " is not defined at noise level 0");
  checkOutputPath("--out", a.out, ".csv");
  auto data = a.flags.guided(a.flags.loadData());
  if (data->learned && a.quantity == "logp")
    throw InputError("--quantity: logp: a learned model (a denoiser) has no density");
  if (level.tau == 0.0 && !data->mixture)
    throw InputError(
        "--sigma: a point cloud has no density at noise level 0; use a noise level > 0");

  const int w = a.gridSize[0], h = a.gridSize[1];
  if (const double work = double(w) * h * double(data->model().terms()); work > kMaxFieldWork)
    throw InputError("--grid: " + std::to_string(w) + " x " + std::to_string(h) + " nodes x " +
                     std::to_string(data->model().terms()) +
                     " model terms = " + formatNumber(work) + " is above the budget of " +
                     formatNumber(kMaxFieldWork) + ": a coarser grid or fewer data points");
  const bool flow = kind == ScheduleKind::Flow;
  const size_t cols = a.quantity == "logp" ? 3 : 4;
  std::vector<double> values(size_t(w) * h * cols);
  auto start = std::chrono::steady_clock::now();
  parallelFor(
      size_t(w) * h,
      [&](size_t i) {
        const glm::dvec2 x(a.range[0] + (a.range[1] - a.range[0]) * double(i % w) / (w - 1),
                           a.range[2] + (a.range[3] - a.range[2]) * double(i / w) / (h - 1));
        const auto e = data->model().evaluate(x, level.s, level.tau);
        double* row = &values[i * cols];
        row[0] = x.x, row[1] = x.y;
        if (a.quantity == "logp") {
          row[2] = e.logp;
          return;
        }
        glm::dvec2 v = e.score;
        if (a.quantity == "denoiser") v = e.denoised;
        if (needsNoise) {
          const glm::dvec2 eps = (x - level.s * e.denoised) / level.tau;
          v = a.quantity == "eps" ? eps : (flow ? eps - e.denoised : eps);
        }
        row[2] = v.x, row[3] = v.y;
      },
      256);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const std::map<std::string, std::vector<std::string>> headers = {
      {"score", {"x", "y", "score_x", "score_y"}},
      {"velocity", {"x", "y", "v_x", "v_y"}},
      {"eps", {"x", "y", "eps_x", "eps_y"}},
      {"denoiser", {"x", "y", "d_x", "d_y"}},
      {"logp", {"x", "y", "logp"}}};
  OutputFiles files;
  files.stage(a.out, [&](std::ostream& out) {
    CsvWriter csv(out, a.out + " (" + a.quantity + ")", headers.at(a.quantity));
    for (size_t i = 0; i < values.size(); i += cols) csv.row(std::span(&values[i], cols));
  });
  // sigma = tau / s is infinite where s = 0 (flow at t = 1): null there.
  const nlohmann::json sigma = level.s > 0.0 ? nlohmann::json(level.sigma()) : nlohmann::json();
  nlohmann::json j{{"quantity", a.quantity}, {"points", size_t(w) * h}, {"s", level.s},
                   {"tau", level.tau},       {"sigma", sigma},          {"time_ms", ms}};
  a.flags.describeGuidance(j);
  return finish(
      files, j, a.json,
      "wrote " + std::to_string(size_t(w) * h) + " values of " + a.quantity + " to " + a.out);
}

}  // namespace

void addFieldCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<FieldArgs>();
  auto* cmd = app.add_subcommand(
      "field",
      "Evaluate a field of the exact (or --model learned) model on a grid (computed by the "
      "double-precision CPU reference).\n"
      "--sigma S is the noise level of x = x0 + sigma eps: score is "
      "grad log of the data density convolved with "
      "N(0, sigma^2 I), denoiser is E[x0 | x], eps is (x - "
      "x0_hat)/sigma, velocity is the ODE velocity (flow: "
      "dx/dt = eps - x0; diffusion: d(x/s)/dsigma = eps), logp the log "
      "density. --schedule NAME --t T evaluates "
      "at that schedule's time instead (x = s x0 + tau eps): a timestep "
      "for linear/cosine, t in [0,1] for "
      "vp/ve/flow, sigma for karras.\n"
      "With --class C the fields are class C's (p(x | c)); with --guidance G the guided ones, "
      "and logp is the tilted log density G log p(x | c) + (1 - G) log p(x) (unnormalised), "
      "whose gradient is the guided score.");
  a->flags.addTo(*cmd, false);
  cmd->add_option("--schedule", a->flags.schedule, "linear|cosine|vp|ve|karras|flow, with --t");
  cmd->add_option("--quantity", a->quantity, "score|velocity|eps|denoiser|logp")
      ->capture_default_str();
  cmd->add_option("--sigma", a->sigma,
                  "Noise level sigma of x = x0 + sigma eps: 0 (mixtures), or 1e-5..1e5");
  cmd->add_option("--t", a->t, "Time of --schedule");
  cmd->add_option("--grid", a->gridSize, "Grid size W H")->expected(2)->capture_default_str();
  cmd->add_option("--range", a->range, "x0 x1 y0 y1 (grid nodes include the ends; |v| <= 1e6)")
      ->expected(4)
      ->capture_default_str();
  addPathOption(*cmd, "--out", a->out, "Field CSV: x,y then the components")->required();
  cmd->add_flag("--json", a->json,
                "Print {\"quantity\", \"points\", \"s\", \"tau\", \"sigma\" (null where s = 0: "
                "flow at t = 1), \"time_ms\"}");
  cmd->callback([&run, a] { run = [a] { return runField(*a); }; });
}

}  // namespace flowscope::cli
