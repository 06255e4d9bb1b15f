// flowscope-cli sample: run a sampler on an exact or learned model of the data, write the samples.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "CsvFile.h"
#include "FlowCoupling.h"
#include "OutputFiles.h"
#include "OutputPath.h"
#include "SamplingFlags.h"

namespace flowscope::cli {
namespace {

struct SampleArgs {
  SamplingFlags flags;
  std::string out, trajectories, backend = "gpu";
  int n = 10000, trajectoryParticles = -1;
  uint64_t seed = 1;
  bool json = false;
  std::string coupling = "none";
  FlowCouplingParams couplingParams{};
  CLI::Option* couplingOpts[3] = {};
  CLI::Option* backendOpt = nullptr;
};

FlowCouplingParams couplingOf(const SampleArgs& a, SamplerKind sampler) {
  FlowCouplingParams coupling = a.couplingParams;
  coupling.kind = parseFlowCoupling(a.coupling);
  try {
    validate(coupling);
  } catch (const InputError& e) {  // "coupling pairs: ..." -> "--coupling-pairs: ..."
    std::string why = e.what(), key = why.substr(0, why.find(':'));
    std::replace(key.begin(), key.end(), ' ', '-');
    throw InputError("--" + key + why.substr(why.find(':')));
  }
  if (coupling.kind != FlowCoupling::None && !isFlowSampler(sampler))
    throw InputError(
        "--coupling: applies to the flow samplers only (flow-euler, flow-midpoint, "
        "flow-heun), not " +
        samplerKindName(sampler));
  if (coupling.kind == FlowCoupling::None)
    for (const CLI::Option* o : a.couplingOpts)
      if (o->count() > 0) throw InputError(o->get_name() + ": needs --coupling");
  return coupling;
}

// Rows particle,step,t,sigma,x,y of the first `keep` particles through every state.
void stageTrajectories(OutputFiles& files, const std::string& path, DiffusionSimulation& sim,
                       size_t keep, Progress& progress) {
  const int steps = sim.steps();
  std::vector<std::vector<glm::vec2>> states;
  for (int k = 0; k <= steps; ++k) {
    sim.seek(k);
    states.push_back(sim.positions(k, keep));
    progress(k, steps);
  }
  files.stage(path, [&](std::ostream& out) {
    CsvWriter csv(out, path, {"particle", "step", "t", "sigma", "x", "y"});
    for (size_t i = 0; i < keep; ++i)
      for (int k = 0; k <= steps; ++k)
        csv.row(
            {double(i), double(k), sim.level(k).t, sim.sigma(k), states[k][i].x, states[k][i].y});
  });
}

int runSample(const SampleArgs& a) {
  SamplingConfig config = a.flags.config(a.n, a.seed);
  checkOutputPath("--out", a.out, ".csv");
  if (!a.trajectories.empty()) checkOutputPath("--trajectories", a.trajectories, ".csv");
  const FlowCouplingParams coupling = couplingOf(a, config.sampler.kind);
  const int steps = config.schedule.steps;
  const size_t keep =
      size_t(a.trajectoryParticles < 0 ? a.n : std::min(a.n, a.trajectoryParticles));
  if (!a.trajectories.empty() && keep * size_t(steps + 1) > limits::kMaxOutputRows)
    throw InputError("--trajectories: " + std::to_string(keep) + " particles x " +
                     std::to_string(steps + 1) + " states is above " +
                     std::to_string(limits::kMaxOutputRows) +
                     " rows; keep fewer with --trajectory-particles K");
  auto loaded = a.flags.loadData();
  if (loaded->learned && coupling.kind != FlowCoupling::None)
    throw InputError(
        "--coupling: a learned model is its own velocity; train it with `train --coupling`");
  auto data = a.flags.guided(withFlowCoupling(loaded, coupling, a.seed));

  Backend backend = openBackend(a.backend);
  if (data->learned && a.backendOpt->count() == 0 && backend.gpu && backend.gpu->isCpu())
    backend.gpu.reset();  // the CPU twin runs a network far faster than lavapipe's kernel
  try {
    DiffusionSimulation::check(*data, config, backend.gpu.get());
  } catch (const InputError& e) {  // "particles: ..." is --n here
    const std::string why = e.what();
    throw InputError(why.rfind("particles: ", 0) == 0 ? "--n: " + why.substr(11) : why);
  }
  Progress progress("sample: step");
  auto start = std::chrono::steady_clock::now();
  DiffusionSimulation sim(data, config, backend.gpu.get());
  OutputFiles files;
  if (!a.trajectories.empty())
    stageTrajectories(files, a.trajectories, sim, keep, progress);  // needs every state
  else
    seekReporting(sim, steps, [&](int k, int n) { progress(k, n); });
  requireFinitePositions(sim, steps);
  auto samples = sim.positions(steps);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  files.stage(a.out, [&](std::ostream& out) {
    CsvWriter csv(out, a.out, {"x", "y"});
    for (const auto& p : samples) csv.row({p.x, p.y});
  });
  const int nfe = sim.evaluations(steps);
  nlohmann::json j{{"n", a.n},
                   {"steps", steps},
                   {"nfe", nfe},
                   {"time_ms", ms},
                   {"backend", backend.name()},
                   {"device", backend.device()},
                   {"sampler", samplerKindName(config.sampler.kind)},
                   {"schedule", scheduleName(config.schedule.kind)},
                   {"coupling", flowCouplingName(coupling.kind)},
                   {"model", data->learned ? "learned:" + data->learnedName : "exact"}};
  a.flags.describeGuidance(j);
  if (data->coupling) {
    j["coupling_pairs"] = coupling.pairs;
    j["coupling_crossings"] = data->coupling->crossings;
    j["coupling_mean_sq_length"] = data->coupling->meanSquaredLength;
  }
  const std::string text =
      "wrote " + std::to_string(a.n) + " samples to " + a.out + " (" +
      samplerKindName(config.sampler.kind) + " on " + scheduleName(config.schedule.kind) + ", " +
      std::to_string(steps) + " steps, " + std::to_string(nfe) + " model evaluations, " +
      format("%g", ms) + " ms on " + backend.name() + ": " + backend.device() + ")";
  return finish(files, j, a.json, text);
}

}  // namespace

void addSampleCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<SampleArgs>();
  auto* cmd =
      app.add_subcommand("sample",
                         "Sample the data with any sampler and schedule on its exact model, or a "
                         "learned one (--model).\n" +
                             conventionsHelp() + "\nNFE is the number of model evaluations.");
  a->flags.addTo(*cmd, true);
  cmd->add_option("--n", a->n, "Number of samples (1..4194304)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the initial noise (PCG32) and of the samplers' noise")
      ->capture_default_str();
  addPathOption(*cmd, "--out", a->out, "Samples CSV (header x,y)")->required();
  addPathOption(*cmd, "--trajectories", a->trajectories,
                "Trajectories CSV (header particle,step,t,sigma,x,y; at most 16,777,216 rows)");
  cmd->add_option("--trajectory-particles", a->trajectoryParticles,
                  "Write trajectories of the first K particles only (default: all)");
  cmd->add_option("--coupling", a->coupling,
                  "Flow samplers: none (the ideal velocity of the independent coupling of N(0, I) "
                  "and the data) | independent | exact | sinkhorn: K noise points (the first K "
                  "start points) paired with K data samples; the samplers integrate the marginal "
                  "velocity v(x, t) = sum_k softmax_k(-|x - mu_k(t)|^2 / (2 bw^2)) (z_k - y_k) of "
                  "the straight paths mu_k(t) = (1 - t) y_k + t z_k (OT-CFM)")
      ->capture_default_str();
  a->couplingOpts[0] = cmd->add_option("--coupling-pairs", a->couplingParams.pairs, "K, 16..2000")
                           ->capture_default_str();
  a->couplingOpts[1] = cmd->add_option("--coupling-epsilon", a->couplingParams.epsilon,
                                       "sinkhorn coupling: epsilon (POT's reg; cost |z - y|^2)")
                           ->capture_default_str();
  a->couplingOpts[2] = cmd->add_option("--coupling-bandwidth", a->couplingParams.bandwidth,
                                       "bw: the Gaussian smoothing of each path")
                           ->capture_default_str();
  a->backendOpt = addBackendOption(*cmd, a->backend);
  cmd->add_flag("--json", a->json,
                "Print {\"n\", \"steps\", \"nfe\", \"time_ms\", \"backend\", \"device\", "
                "\"sampler\", \"schedule\", \"coupling\"}, with a coupling also "
                "\"coupling_pairs\", \"coupling_crossings\", \"coupling_mean_sq_length\"");
  cmd->callback([&run, a] { run = [a] { return runSample(*a); }; });
}

}  // namespace flowscope::cli
