// flowscope-cli critic: a Kantorovich-Rubinstein critic trained on two clouds (Critic.h), its
// estimate of W1 against the exact solver's, and f written at the clouds' points or on a grid.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "Critic.h"
#include "Dataset.h"
#include "ExactTransport.h"
#include "InputError.h"
#include "MlpSpec.h"
#include "OutputFiles.h"

namespace flowscope::cli {
namespace {

struct CriticArgs {
  std::string source, target, sourceWeights, targetWeights, method = "gp", activation = "relu", out,
                                                            range;
  double lambda = 10.0, clip = 0.01, lr = 1e-3;
  int width = 64, depth = 3, steps = 2000, batch = 256;
  std::vector<int> grid;
  uint64_t seed = 1;
  bool json = false;
};

// The exact solver's limit on n x m for this command (as ot --method exact's).
constexpr double kMaxEntries = 25e6;

// "xmin,xmax,ymin,ymax"; empty: the clouds' bounding box, 10% wider each way.
std::array<double, 4> rangeOf(const std::string& text, const Measure& p, const Measure& q) {
  if (text.empty()) {
    glm::dvec2 lo(INFINITY), hi(-INFINITY);
    for (const Measure* m : {&p, &q})
      for (const auto& x : m->points) lo = glm::min(lo, x), hi = glm::max(hi, x);
    const glm::dvec2 pad = 0.1 * glm::max(hi - lo, glm::dvec2(1e-3));
    return {lo.x - pad.x, hi.x + pad.x, lo.y - pad.y, hi.y + pad.y};
  }
  std::array<double, 4> r{};
  std::stringstream in(text);
  std::string item;
  size_t k = 0;
  while (std::getline(in, item, ',')) {
    size_t used = 0;
    double v = NAN;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (k >= 4 || used == 0 || !std::isfinite(v))
      throw InputError("--range: xmin,xmax,ymin,ymax (four comma-separated numbers)");
    r[k++] = v;
  }
  if (k != 4 || !(r[0] < r[1] && r[2] < r[3]))
    throw InputError("--range: xmin,xmax,ymin,ymax with xmin < xmax and ymin < ymax");
  return r;
}

struct Row {
  const char* side;
  glm::dvec2 x;
};

std::vector<Row> outputRows(const CriticArgs& a, const Measure& p, const Measure& q) {
  std::vector<Row> rows;
  if (a.grid.empty()) {
    for (const auto& x : p.points) rows.push_back({"source", x});
    for (const auto& x : q.points) rows.push_back({"target", x});
    return rows;
  }
  if (a.grid.size() != 2 || a.grid[0] < 2 || a.grid[1] < 2 || a.grid[0] > 2048 || a.grid[1] > 2048)
    throw InputError("--grid: W H, each between 2 and 2048");
  const auto r = rangeOf(a.range, p, q);
  for (int j = 0; j < a.grid[1]; ++j)
    for (int i = 0; i < a.grid[0]; ++i)
      rows.push_back({"grid",
                      {r[0] + (r[1] - r[0]) * i / (a.grid[0] - 1),
                       r[2] + (r[3] - r[2]) * j / (a.grid[1] - 1)}});
  return rows;
}

int runCritic(const CriticArgs& a) {
  CriticSpec spec;
  spec.method = asFlag([&] { return parseLipschitz(a.method); });
  spec.activation = asFlag([&] { return parseActivation(a.activation); });
  spec.lambda = a.lambda;
  spec.clip = a.clip;
  spec.width = a.width;
  spec.depth = a.depth;
  spec.batch = a.batch;
  spec.learningRate = a.lr;
  spec.seed = a.seed;
  asFlag([&] { validate(spec); });
  if (spec.method == LipschitzMethod::None)
    throw InputError("--method: clip, gp or sn (a W1 critic must be kept Lipschitz)");
  if (a.steps < 1 || a.steps > 1000000) throw InputError("--steps: between 1 and 1000000");
  const Measure p = readMeasureCsv(a.source, a.sourceWeights),
                q = readMeasureCsv(a.target, a.targetWeights);
  if (double(p.points.size()) * double(q.points.size()) > kMaxEntries)
    throw InputError("--source, --target: " + std::to_string(p.points.size()) + " x " +
                     std::to_string(q.points.size()) +
                     " points is above the exact solver's 25,000,000 entries");
  const std::vector<Row> rows = outputRows(a, p, q);

  const auto t0 = std::chrono::steady_clock::now();
  DualCritic critic(spec, p, q);
  critic.train(a.steps);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const ExactResult exact = exactTransport(p, q, CostKind::Euclidean);
  if (exact.status != SolveStatus::Converged)
    throw std::runtime_error("exact W1: " + exact.message);

  std::vector<glm::dvec2> at(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) at[k] = rows[k].x;
  const auto e = critic.critic().evaluate(at);
  OutputFiles files;
  files.stage(a.out, [&](std::ostream& out) {
    out << "side,x,y,f,grad_norm\n";
    for (size_t k = 0; k < rows.size(); ++k)
      out << rows[k].side << ','
          << format("%.9g,%.9g,%.9g,%.9g", at[k].x, at[k].y, e.values[k],
                    std::hypot(e.gradients[2 * k], e.gradients[2 * k + 1]))
          << '\n';
  });
  const double estimate = critic.estimate(), maxNorm = critic.maxGradientNorm();
  nlohmann::json j{{"method", a.method},
                   {"steps", critic.steps()},
                   {"source_points", p.points.size()},
                   {"target_points", q.points.size()},
                   {"w1_estimate", estimate},
                   {"w1_exact", exact.cost},
                   {"w1_normalised", critic.normalisedEstimate()},
                   {"max_grad_norm", maxNorm},
                   {"relative_error", (estimate - exact.cost) / exact.cost},
                   {"time_ms", ms},
                   {"rows", rows.size()}};
  if (spec.method == LipschitzMethod::Penalty) j["lambda"] = spec.lambda;
  if (spec.method == LipschitzMethod::Clip) j["clip"] = spec.clip;
  return finish(files, j, a.json,
                format("%s critic, %ld steps: W1 estimate %.6g (E_p f - E_q f), exact %.6g, "
                       "error %+.2f%%; max |grad f| %.4g, normalised estimate %.6g; %.0f ms",
                       a.method.c_str(), critic.steps(), estimate, exact.cost,
                       100.0 * (estimate - exact.cost) / exact.cost, maxNorm,
                       critic.normalisedEstimate(), ms));
}

}  // namespace

void addCriticCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<CriticArgs>();
  CLI::App* cmd = app.add_subcommand(
      "critic",
      "A Kantorovich-Rubinstein critic: W1(p, q) = sup over 1-Lipschitz f of E_p f - E_q f, f a "
      "network trained on the two clouds (p the source, q the target), against the exact "
      "solver's W1 (euclidean cost)");
  addPathOption(*cmd, "--source", a->source, "Source points p, CSV x,y")->required();
  addPathOption(*cmd, "--target", a->target, "Target points q, CSV x,y")->required();
  addPathOption(*cmd, "--source-weights", a->sourceWeights, "Source weights, CSV w");
  addPathOption(*cmd, "--target-weights", a->targetWeights, "Target weights, CSV w");
  cmd->add_option(
         "--method", a->method,
         "clip: every parameter clamped to [-c, c] after each step (WGAN); gp: + lambda "
         "(|grad f| - 1)^2 at points between the clouds (WGAN-GP; the penalty is soft: for a "
         "translation the estimate settles near W1 (1 + W1 / (2 lambda))); sn: every "
         "weight matrix over its largest singular value (spectral normalisation)")
      ->capture_default_str();
  cmd->add_option("--lambda", a->lambda, "gp: the penalty's weight")->capture_default_str();
  cmd->add_option("--clip", a->clip, "clip: the bound c")->capture_default_str();
  cmd->add_option("--width", a->width, "Hidden units, 16..512")->capture_default_str();
  cmd->add_option("--depth", a->depth, "Hidden layers, 1..8")->capture_default_str();
  cmd->add_option("--activation", a->activation, "relu|silu|gelu|tanh|elu")->capture_default_str();
  cmd->add_option("--steps", a->steps, "Adam steps (betas 0.5, 0.9)")->capture_default_str();
  cmd->add_option("--batch", a->batch, "Points of each cloud a step, 8..4096")
      ->capture_default_str();
  cmd->add_option("--lr", a->lr, "Learning rate")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed (weights, minibatches)")->capture_default_str();
  addPathOption(*cmd, "--out", a->out,
                "CSV side,x,y,f,grad_norm: f at the clouds' points (side source|target), or on "
                "the grid (side grid)")
      ->required();
  cmd->add_option("--grid", a->grid, "W H: write f on a W x H grid instead of at the points")
      ->expected(2);
  cmd->add_option("--range", a->range,
                  "The grid's xmin,xmax,ymin,ymax (default: the clouds' box, 10% wider)");
  cmd->add_flag("--json", a->json,
                "Print {method, steps, source_points, target_points, w1_estimate (E_p f - E_q f "
                "on the clouds), w1_exact, w1_normalised (the estimate over max_grad_norm: a lower "
                "bound), max_grad_norm (over the clouds and 2,048 points between them), "
                "relative_error, time_ms, rows, [lambda|clip]}");
  cmd->callback([&run, a] { run = [a] { return runCritic(*a); }; });
}

}  // namespace flowscope::cli
