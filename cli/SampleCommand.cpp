// flowscope-cli sample: run a sampler on an exact model of the data and write the samples.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "AtomicFile.h"
#include "CliCommon.h"
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
};

int runSample(const SampleArgs& a) {
  SamplingConfig config = a.flags.config(a.n, a.seed);
  checkOutputPath("--out", a.out, ".csv");
  if (!a.trajectories.empty()) checkOutputPath("--trajectories", a.trajectories, ".csv");
  auto data = a.flags.loadData();

  Backend backend = openBackend(a.backend);
  const int steps = config.schedule.steps;
  const int keep = a.trajectoryParticles < 0 ? a.n : std::min(a.n, a.trajectoryParticles);
  auto start = std::chrono::steady_clock::now();
  DiffusionSimulation sim(data, config, backend.gpu.get());
  std::string trajectoryCsv;
  if (!a.trajectories.empty()) {
    // Trajectories need every state: walk the run a state at a time.
    trajectoryCsv = "particle,step,t,sigma,x,y\n";
    std::vector<std::vector<glm::vec2>> states;
    for (int k = 0; k <= steps; ++k) {
      sim.seek(k);
      states.push_back(sim.positions(k, size_t(keep)));
    }
    char buf[160];
    for (int i = 0; i < keep; ++i)
      for (int k = 0; k <= steps; ++k) {
        std::snprintf(buf, sizeof(buf), "%d,%d,%.9g,%.9g,%.9g,%.9g\n", i, k, sim.level(k).t,
                      sim.sigma(k), states[k][i].x, states[k][i].y);
        trajectoryCsv += buf;
      }
  } else {
    sim.seek(steps);
  }
  auto samples = sim.positions(steps);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  if (!a.trajectories.empty()) writeFileAtomically(a.trajectories, trajectoryCsv);
  try {
    writeFileAtomically(a.out, [&](std::ostream& out) {
      out << "x,y\n";
      char buf[64];
      for (const auto& p : samples) {
        std::snprintf(buf, sizeof(buf), "%.9g,%.9g\n", p.x, p.y);
        out << buf;
      }
    });
  } catch (...) {
    if (!a.trajectories.empty()) std::filesystem::remove(a.trajectories);
    throw;
  }
  const int nfe = sim.evaluations(steps);
  if (a.json) {
    nlohmann::json j{{"n", a.n},
                     {"steps", steps},
                     {"nfe", nfe},
                     {"time_ms", ms},
                     {"backend", backend.name()},
                     {"device", backend.device()},
                     {"sampler", samplerKindName(config.sampler.kind)},
                     {"schedule", scheduleName(config.schedule.kind)}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "wrote " << a.n << " samples to " << a.out << " ("
              << samplerKindName(config.sampler.kind) << " on "
              << scheduleName(config.schedule.kind) << ", " << steps << " steps, " << nfe
              << " model evaluations, " << ms << " ms on " << backend.name() << ": "
              << backend.device() << ")\n";
  }
  return kOk;
}

}  // namespace

void addSampleCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<SampleArgs>();
  auto* cmd = app.add_subcommand(
      "sample", "Sample the data with any sampler and schedule on its exact model.\n" +
                    conventionsHelp() + "\nNFE is the number of model evaluations.");
  a->flags.addTo(*cmd, true);
  cmd->add_option("--n", a->n, "Number of samples (1..4194304)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the initial noise (PCG32) and of the samplers' noise")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Samples CSV (header x,y)")->required();
  cmd->add_option("--trajectories", a->trajectories,
                  "Trajectories CSV (header particle,step,t,sigma,x,y)");
  cmd->add_option("--trajectory-particles", a->trajectoryParticles,
                  "Write trajectories of the first K particles only (default: all)");
  addBackendOption(*cmd, a->backend);
  cmd->add_flag("--json", a->json,
                "Print {\"n\", \"steps\", \"nfe\", \"time_ms\", \"backend\", \"device\", "
                "\"sampler\", \"schedule\"}");
  cmd->callback([&run, a] { run = [a] { return runSample(*a); }; });
}

}  // namespace flowscope::cli
