// flowscope-cli sample: run an EDM sampler on an exact Gaussian mixture and write the samples.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "AtomicFile.h"
#include "CliCommon.h"
#include "DiffusionSimulation.h"
#include "OutputPath.h"

namespace flowscope::cli {
namespace {

struct SampleArgs {
  std::string data, model = "exact", sampler = "heun", schedule = "karras", out, trajectories;
  std::string backend = "gpu";
  int steps = 18, n = 10000, trajectoryParticles = -1;
  uint64_t seed = 1;
  KarrasParams karras{};
  bool json = false;
};

void writeRow(std::ostream& out, float x, float y) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.9g,%.9g\n", x, y);
  out << buf;
}

int runSample(const SampleArgs& a) {
  if (a.model != "exact") throw InputError("--model: unknown '" + a.model + "' (valid: exact)");
  if (a.schedule != "karras")
    throw InputError("--schedule: unknown '" + a.schedule + "' (valid: karras)");
  SamplingConfig config;
  config.sampler = parseSampler(a.sampler);
  config.schedule = a.karras;
  config.schedule.steps = a.steps;
  try {
    validate(config.schedule);
  } catch (const InputError& e) {
    std::string why = e.what();
    std::string field = why.substr(0, why.find(':'));
    std::replace(field.begin(), field.end(), '_', '-');
    throw InputError("--" + field + why.substr(why.find(':')));
  }
  if (a.n < 1 || a.n > (1 << 22)) throw InputError("--n: must be between 1 and 4194304");
  config.particleCount = a.n;
  config.seed = a.seed;
  checkOutputPath("--out", a.out, ".csv");
  if (!a.trajectories.empty()) checkOutputPath("--trajectories", a.trajectories, ".csv");
  GaussianMixture mixture = GaussianMixture::load(a.data);

  Backend backend = openBackend(a.backend);
  const int keep = a.trajectoryParticles < 0 ? a.n : std::min(a.n, a.trajectoryParticles);
  auto start = std::chrono::steady_clock::now();
  DiffusionSimulation sim(mixture, config, backend.gpu.get());
  std::string trajectoryCsv;
  if (!a.trajectories.empty()) {
    // Trajectories need every state: walk the run a state at a time.
    trajectoryCsv = "particle,step,sigma,x,y\n";
    std::vector<std::vector<glm::vec2>> states;
    for (int k = 0; k <= a.steps; ++k) {
      sim.seek(k);
      auto s = sim.state(k);
      states.emplace_back(s.begin(), s.begin() + keep);
    }
    char buf[128];
    for (int i = 0; i < keep; ++i)
      for (int k = 0; k <= a.steps; ++k) {
        std::snprintf(buf, sizeof(buf), "%d,%d,%.9g,%.9g,%.9g\n", i, k, sim.sigma(k),
                      states[k][i].x, states[k][i].y);
        trajectoryCsv += buf;
      }
  } else {
    sim.seek(a.steps);
  }
  auto samples = sim.state(a.steps);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  if (!a.trajectories.empty()) writeFileAtomically(a.trajectories, trajectoryCsv);
  try {
    writeFileAtomically(a.out, [&](std::ostream& out) {
      out << "x,y\n";
      for (const auto& p : samples) writeRow(out, p.x, p.y);
    });
  } catch (...) {
    if (!a.trajectories.empty()) std::filesystem::remove(a.trajectories);
    throw;
  }
  if (a.json) {
    nlohmann::json j{
        {"n", a.n},      {"steps", a.steps},          {"nfe", sim.evaluations(a.steps)},
        {"time_ms", ms}, {"backend", backend.name()}, {"device", backend.device()}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "wrote " << a.n << " samples to " << a.out << " (" << samplerName(config.sampler)
              << ", " << a.steps << " steps, " << sim.evaluations(a.steps)
              << " denoiser evaluations, " << ms << " ms on " << backend.name() << ": "
              << backend.device() << ")\n";
  }
  return kOk;
}

}  // namespace

void addSampleCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<SampleArgs>();
  auto* cmd = app.add_subcommand(
      "sample",
      "Sample an exact 2-D Gaussian mixture with EDM's deterministic samplers (Karras et al. 2022, "
      "Algorithm 1).\nConventions: variance-exploding x = x0 + sigma*eps; time variable sigma; "
      "Karras schedule sigma_i = (smax^(1/rho) + i/(N-1)(smin^(1/rho) - smax^(1/rho)))^rho, "
      "sigma_N = 0; "
      "start x ~ N(0, sigma_max^2 I) from the seed; float32 state, float32 GPU arithmetic (double "
      "on CPU).\n"
      "NFE: euler N, heun 2N-1 (the last step to sigma = 0 is an Euler step).");
  cmd->add_option("--data", a->data,
                  "Mixture JSON: {\"type\": \"gmm\", \"weights\": [...], \"means\": [[x, y], ...], "
                  "\"covariances\": [[[a, b], [b, c]], ...]}")
      ->required();
  cmd->add_option("--model", a->model, "Model of the data: exact (closed-form mixture denoiser)")
      ->capture_default_str();
  cmd->add_option("--sampler", a->sampler, "heun | euler")->capture_default_str();
  cmd->add_option("--schedule", a->schedule, "Noise schedule: karras")->capture_default_str();
  cmd->add_option("--steps", a->steps, "Number of steps N (1..1000)")->capture_default_str();
  cmd->add_option("--n", a->n, "Number of samples (1..4194304)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the initial noise (PCG32 + Box-Muller)")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Samples CSV (header x,y)")->required();
  cmd->add_option("--trajectories", a->trajectories,
                  "Trajectories CSV (header particle,step,sigma,x,y)");
  cmd->add_option("--trajectory-particles", a->trajectoryParticles,
                  "Write trajectories of the first K particles only (default: all)");
  cmd->add_option("--sigma-min", a->karras.sigmaMin, "Smallest non-zero noise level")
      ->capture_default_str();
  cmd->add_option("--sigma-max", a->karras.sigmaMax, "Initial noise level")->capture_default_str();
  cmd->add_option("--rho", a->karras.rho, "Karras schedule exponent")->capture_default_str();
  addBackendOption(*cmd, a->backend);
  cmd->add_flag("--json", a->json,
                "Print {\"n\", \"steps\", \"nfe\", \"time_ms\", \"backend\", \"device\"}");
  cmd->callback([&run, a] { run = [a] { return runSample(*a); }; });
}

}  // namespace flowscope::cli
