// flowscope-cli flow-train and logp: normalizing flows trained by maximum likelihood
// (compute/flows), and log p of given points under a flow (change of variables), an exact model
// or a learned one (the probability-flow ODE's instantaneous change of variables).
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>

#include "CliCommon.h"
#include "CliOutput.h"
#include "CsvFile.h"
#include "Dataset.h"
#include "FastCpuMlp.h"
#include "FlowFile.h"
#include "FlowNetwork.h"
#include "FlowTrainer.h"
#include "LearnedModel.h"
#include "OdeLikelihood.h"
#include "OutputFiles.h"
#include "OutputPath.h"

namespace flowscope::cli {
namespace {

struct FlowTrainArgs {
  std::string data = "gmm8", flow = "realnvp", activation = "relu", out, log, backend = "cpu";
  int points = 4096, layers = 8, width = 64, depth = 2, batch = 512, bins = 8;
  long steps = 3000;
  double lr = 2e-3, baseScale = 1.0, tailBound = 4.0;
  uint64_t seed = 1;
  bool json = false;
};

FlowTrainingSpec specOf(const FlowTrainArgs& a) {
  FlowTrainingSpec s;
  s.flow.kind = asFlag([&] { return parseFlowKind(a.flow); });
  s.flow.layers = a.layers;
  s.flow.width = a.width;
  s.flow.depth = a.depth;
  s.flow.activation = asFlag([&] { return parseActivation(a.activation); });
  s.flow.baseScale = a.baseScale;
  s.flow.bins = a.bins;
  s.flow.tailBound = a.tailBound;
  s.flow.seed = a.seed;
  s.adam.learningRate = a.lr;
  s.adam.totalSteps = a.steps;
  s.batch = a.batch;
  s.seed = a.seed;
  asFlag([&] { validate(s); });
  return s;
}

int runFlowTrain(const FlowTrainArgs& a) {
  checkOutputPath("--out", a.out, ".safetensors");
  if (!a.log.empty()) checkOutputPath("--log", a.log, ".csv");
  if (a.steps < 1 || a.steps > 10000000) throw InputError("--steps: between 1 and 10000000");
  const FlowTrainingSpec spec = specOf(a);
  if (a.points < 4 || a.points > 1000000) throw InputError("--points: between 4 and 1000000");
  const FlowData data = flowData(a.data, a.points, a.seed, 4096);
  const std::vector<glm::dvec2>& train = data.train;
  const std::vector<glm::dvec2>& heldOut = data.heldOut;
  std::unique_ptr<GpuContext> gpu;
  if (a.backend != "cpu")
    gpu = a.backend == "gpu" ? requireGpu() : std::move(openBackend("gpu").gpu);
  auto trainer = makeFlowTrainer(spec, train, gpu.get(), parseBackendChoice(a.backend));
  std::vector<double> losses;
  const auto start = std::chrono::steady_clock::now();
  for (long k = 0; k < a.steps; ++k) {
    const double loss = trainer->step();
    if (!std::isfinite(loss))
      throw InputError("step " + std::to_string(k + 1) + ": the NLL is not finite (lower --lr)");
    losses.push_back(loss);
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const double trainNll = trainer->nll(train);
  const std::optional<double> heldNll =
      heldOut.empty() ? std::nullopt : std::optional<double>(trainer->nll(heldOut));
  const std::vector<float>& w = trainer->parameters();
  OutputFiles files;
  files.stage(a.out, encodeFlow({spec.flow, {w.begin(), w.end()}, heldNll}));
  if (!a.log.empty())
    files.stage(a.log, [&](std::ostream& out) {
      CsvWriter csv(out, a.log, {"step", "nll"});
      for (size_t k = 0; k < losses.size(); ++k) csv.row({double(k + 1), losses[k]});
    });
  nlohmann::json j{{"flow", flowKindName(spec.flow.kind)},
                   {"layers", flowLayout(spec.flow).layers.size()},
                   {"parameters", w.size()},
                   {"steps", a.steps},
                   {"train_nll", trainNll},
                   {"heldout_nll", heldNll ? nlohmann::json(*heldNll) : nlohmann::json()},
                   {"time_ms", ms},
                   {"steps_per_s", 1000.0 * double(a.steps) / ms},
                   {"backend", trainer->backend()},
                   {"nll_units", "nats per point"}};
  return finish(files, j, a.json,
                format("%s: %ld steps in %.0f ms (%.0f steps/s, %s); NLL train %.4f, held-out %s "
                       "nats/point -> %s",
                       flowKindName(spec.flow.kind).c_str(), a.steps, ms, 1000.0 * a.steps / ms,
                       trainer->backend().c_str(), trainNll,
                       heldNll ? format("%.4f", *heldNll).c_str() : "n/a", a.out.c_str()));
}

struct LogpArgs {
  std::string model = "exact", data = "gmm8", points, out, solver = "heun", trace = "exact";
  std::string path = "flow", probe = "rademacher";
  int steps = 256, probes = 16;
  double start = 1e-5, sigmaMax = 80.0;
  uint64_t seed = 0;
  bool json = false;
};

struct LogpResult {
  std::vector<double> logp, standardError,
      closed;  // closed: the data's own log p_0 where it has one
  std::string method;
};

LogpResult flowLogp(const std::string& path, const std::vector<glm::dvec2>& x) {
  const FlowWeights w = loadFlow(path);
  FlowNetwork<FastCpuMlp, float> flow(w.spec);
  const std::vector<float> p(w.parameters.begin(), w.parameters.end());
  const std::vector<float> xs = flatPoints<float>(x);
  LogpResult r;
  r.logp = flow.logDensity(p, xs);
  r.standardError.assign(x.size(), 0.0);
  r.method = "change of variables (" + flowKindName(w.spec.kind) + ", float32)";
  return r;
}

OdeLikelihoodSpec odeSpec(const LogpArgs& a) {
  OdeLikelihoodSpec s;
  s.path = asFlag([&] { return parseOdePath(a.path); });
  s.solver = asFlag([&] { return parseOdeSolver(a.solver); });
  s.trace = asFlag([&] { return parseTraceKind(a.trace); });
  s.probe = asFlag([&] { return parseProbeKind(a.probe); });
  s.steps = a.steps;
  s.probes = a.probes;
  s.uMin = a.start;
  s.sigmaMax = a.sigmaMax;
  s.seed = a.seed;
  asFlag([&] { validate(s); });
  return s;
}

LogpResult odeLogp(const LogpArgs& a, const std::vector<glm::dvec2>& x) {
  OdeLikelihoodSpec s = odeSpec(a);
  const auto data = resolve(DataSource::named(a.data));
  std::shared_ptr<const LearnedModel> learned;
  if (a.model.rfind("learned:", 0) == 0) {
    learned = LearnedModel::load(a.model.substr(8));
    if (learned->weights().objective) s.sigmaData = learned->weights().objective->sigmaData;
  } else if (a.model != "exact") {
    throw InputError("--model: unknown '" + a.model +
                     "' (valid: exact, learned:FILE.safetensors, flow:FILE.safetensors)");
  }
  const ExactModel& model = learned ? *learned : data->model();
  LogpResult r;
  for (const OdeLikelihood& o : odeLikelihoods(model, x, s)) {
    r.logp.push_back(o.logp);
    r.standardError.push_back(o.standardError);
  }
  if (!learned)
    for (const glm::dvec2& p : x) r.closed.push_back(data->model().evaluate(p, 1.0, 0.0).logp);
  r.method = "probability-flow ODE (" + odePathName(s.path) + " path, " + odeSolverName(s.solver) +
             ", " + std::to_string(s.steps) + " steps, " + traceKindName(s.trace) + " trace" +
             (s.trace == TraceKind::Hutchinson
                  ? ", " + std::to_string(s.probes) + " " + probeKindName(s.probe) + " probes"
                  : "") +
             ")";
  return r;
}

int runLogp(const LogpArgs& a) {
  checkOutputPath("--out", a.out, ".csv");
  const std::vector<glm::dvec2> x = readPointsCsv(a.points);
  const auto start = std::chrono::steady_clock::now();
  const bool flow = a.model.rfind("flow:", 0) == 0;
  const LogpResult r = flow ? flowLogp(a.model.substr(5), x) : odeLogp(a, x);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  double mean = 0.0, worst = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    mean += r.logp[i] / double(x.size());
    if (!r.closed.empty()) worst = std::max(worst, std::abs(r.logp[i] - r.closed[i]));
  }
  OutputFiles files;
  files.stage(a.out, [&](std::ostream& out) {
    std::vector<std::string> header{"x", "y", "logp", "stderr"};
    if (!r.closed.empty()) header.push_back("closed_form");
    CsvWriter csv(out, a.out, header);
    for (size_t i = 0; i < x.size(); ++i) {
      std::vector<double> row{x[i].x, x[i].y, r.logp[i], r.standardError[i]};
      if (!r.closed.empty()) row.push_back(r.closed[i]);
      csv.row(row);
    }
  });
  nlohmann::json j{{"points", x.size()},
                   {"model", a.model},
                   {"method", r.method},
                   {"mean_logp", mean},
                   {"time_ms", ms},
                   {"max_abs_error", r.closed.empty() ? nlohmann::json() : nlohmann::json(worst)}};
  return finish(
      files, j, a.json,
      format("%zu points, %s: mean log p %.5f%s (%.0f ms) -> %s", x.size(), r.method.c_str(), mean,
             r.closed.empty() ? "" : format(", max |error| vs closed form %.2e", worst).c_str(), ms,
             a.out.c_str()));
}

}  // namespace

void addFlowTrainCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<FlowTrainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "flow-train",
      "Train a normalizing flow by maximum likelihood (NLL in nats per point, base density "
      "N(0, base-scale^2 I); forward = data -> latent, sampling = its inverse)");
  cmd->add_option("--data", a->data, "A preset (gmm8, moons, rings, spiral, ...) or a file")
      ->capture_default_str();
  cmd->add_option("--points", a->points,
                  "Training points (a mixture's seeded draws; a point "
                  "cloud's first N, its last fifth held out)")
      ->capture_default_str();
  cmd->add_option("--flow", a->flow,
                  "nice: additive couplings + a diagonal scaling; realnvp: affine couplings, "
                  "s = 2 tanh(a/2); glow: actnorm + LU-parametrised 2x2 mixing + affine coupling "
                  "a step; spline: rational-quadratic spline couplings on [-tail-bound, "
                  "tail-bound] (identity outside)")
      ->capture_default_str();
  cmd->add_option("--layers", a->layers, "Couplings (glow: steps), 1..32")->capture_default_str();
  cmd->add_option("--width", a->width, "Coupling networks' hidden units, 16..512")
      ->capture_default_str();
  cmd->add_option("--depth", a->depth, "Their hidden layers, 1..8")->capture_default_str();
  cmd->add_option("--activation", a->activation, "relu|silu|gelu|tanh|elu")->capture_default_str();
  cmd->add_option("--base-scale", a->baseScale, "The base Gaussian's standard deviation")
      ->capture_default_str();
  cmd->add_option("--bins", a->bins, "spline: bins, 2..16")->capture_default_str();
  cmd->add_option("--tail-bound", a->tailBound, "spline: B of [-B, B]")->capture_default_str();
  cmd->add_option("--steps", a->steps, "Adam steps (cosine decay to 0)")->capture_default_str();
  cmd->add_option("--batch", a->batch, "Minibatch size, 1..65536")->capture_default_str();
  cmd->add_option("--lr", a->lr, "Adam learning rate")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the data, weights and minibatches")
      ->capture_default_str();
  cmd->add_option("--backend", a->backend,
                  "cpu: the fast CPU backend (float32, OpenBLAS + Eigen, every thread); gpu: the "
                  "conditioners on Vulkan's fused MLP (host coupling arithmetic); auto: gpu where "
                  "the Vulkan device is a GPU")
      ->check(CLI::IsMember({"auto", "gpu", "cpu"}))
      ->capture_default_str();
  addPathOption(*cmd, "--out", a->out, "The flow, .safetensors")->required();
  addPathOption(*cmd, "--log", a->log, "NLL per step, CSV step,nll");
  cmd->add_flag("--json", a->json,
                "Print {flow, layers, parameters, steps, train_nll, heldout_nll, time_ms, "
                "steps_per_s, backend, nll_units}");
  cmd->callback([&run, a] { run = [a] { return runFlowTrain(*a); }; });
}

void addLogpCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<LogpArgs>();
  CLI::App* cmd = app.add_subcommand(
      "logp",
      "log p of each point: a flow's by the change of variables; an exact or learned model's by "
      "the probability-flow ODE, log p(x) = log p_end(x(u_end)) + integral of div v du");
  cmd->add_option(
         "--model", a->model,
         "exact: the data's own model (a mixture or point cloud; the CSV also gets its "
         "closed form); learned:FILE.safetensors: a network of `train`; "
         "flow:FILE.safetensors: a flow of `flow-train` (exact change of variables in float32; "
         "the ODE flags do not apply and stderr is 0)")
      ->capture_default_str();
  cmd->add_option("--data", a->data, "The data of --model exact (a preset or a file)")
      ->capture_default_str();
  addPathOption(*cmd, "--points", a->points, "Points, CSV x,y")->required();
  addPathOption(*cmd, "--out", a->out, "CSV x,y,logp,stderr[,closed_form]")->required();
  cmd->add_option("--solver", a->solver, "euler|heun|rk4")->capture_default_str();
  cmd->add_option("--steps", a->steps, "ODE steps, spaced as EDM's (rho 7) from --start")
      ->capture_default_str();
  cmd->add_option("--path", a->path,
                  "flow: x = (1-t) x0 + t eps, t from --start to 1 (end N(0, I)); edm: x = x0 + "
                  "sigma eps, sigma from --start to --sigma-max")
      ->capture_default_str();
  cmd->add_option("--start", a->start, "The path's first t or sigma (log p is that level's)")
      ->capture_default_str();
  cmd->add_option("--sigma-max", a->sigmaMax, "edm: the last sigma")->capture_default_str();
  cmd->add_option("--trace", a->trace,
                  "exact: tr(dv/dx) from the 2x2 Jacobian; hutchinson: e^T (dv/dx) e averaged over "
                  "--probes probes fixed along the path (stderr: the standard error of their mean)")
      ->capture_default_str();
  cmd->add_option("--probes", a->probes, "hutchinson: probes, 1..4096")->capture_default_str();
  cmd->add_option("--probe", a->probe, "gaussian|rademacher")->capture_default_str();
  cmd->add_option("--seed", a->seed, "hutchinson: the probes' seed")->capture_default_str();
  cmd->add_flag("--json", a->json,
                "Print {points, model, method, mean_logp, time_ms, max_abs_error (against the "
                "closed form; null without one)}");
  cmd->callback([&run, a] { run = [a] { return runLogp(*a); }; });
}

}  // namespace flowscope::cli
