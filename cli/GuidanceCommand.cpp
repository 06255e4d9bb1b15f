// flowscope-cli guidance: the gamma sweep of classifier-free guidance for one class.
#include <nlohmann/json.hpp>

#include <cmath>

#include "CliCommon.h"
#include "CliOutput.h"
#include "GuidanceTarget.h"
#include "Limits.h"
#include "OutputFiles.h"
#include "OutputPath.h"
#include "SamplingFlags.h"

namespace flowscope::cli {
namespace {

struct GuidanceArgs {
  SamplingFlags flags;
  std::vector<double> gammas = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0};
  int n = 2000;
  uint64_t seed = 1;
  std::string out, backend = "gpu";
  bool json = false;
};

int runGuidanceCommand(const GuidanceArgs& a) {
  SamplingConfig config = a.flags.config(a.n, a.seed);
  if (a.flags.classLabel < 0) throw InputError("--class: the sweep needs a class");
  if (a.gammas.empty() || a.gammas.size() > 64)
    throw InputError("--gammas: between 1 and 64 values");
  for (double g : a.gammas)
    if (!(g >= 0.0 && g <= kMaxGuidance))
      throw InputError("--gammas: each between 0 and " + formatNumber(kMaxGuidance));
  if (a.n < 100 || a.n > (1 << 20)) throw InputError("--n: must be between 100 and 1048576");
  checkOutputPath("--out", a.out, ".csv");
  auto data = a.flags.loadData();
  a.flags.guided(data);  // validates the class and the rest against the data
  Backend backend = openBackend(a.backend);
  const auto rows =
      guidanceSweep(data, a.flags.guidanceSpec(), config, a.gammas, backend.gpu.get());
  for (const auto& r : rows)
    if (!std::isfinite(r.readout.energyToClass) || !std::isfinite(r.readout.spread))
      throw NumericalError("guidance: gamma " + formatNumber(r.gamma) +
                           ": the samples are not finite");
  OutputFiles files;
  files.stage(a.out, [&](std::ostream& out) {
    out << "gamma,spread,energy_to_class,energy_to_tilted,tv_to_tilted\n";
    for (const auto& r : rows)
      out << format("%.9g,%.9g,%.9g,%.9g,%.9g\n", r.gamma, r.readout.spread,
                    r.readout.energyToClass, r.readout.energyToTilted, r.readout.tvToTilted);
  });
  nlohmann::json j{{"rows", rows.size()},
                   {"backend", backend.name()},
                   {"device", backend.device()},
                   {"sampler", samplerKindName(config.sampler.kind)}};
  a.flags.describeGuidance(j);
  j.erase("guidance");  // swept
  return finish(files, j, a.json, "wrote " + std::to_string(rows.size()) + " rows to " + a.out);
}

}  // namespace

void addGuidanceCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<GuidanceArgs>();
  auto* cmd = app.add_subcommand(
      "guidance",
      "The gamma sweep of classifier-free guidance for --class C: for each gamma one run of the "
      "sampler, then the spread of the samples (sqrt of the per-axis variance), their energy "
      "distance to the class's true distribution p(x | c), and their energy distance and total "
      "variation (on a 64 x 64 grid around the class for gamma >= 1: its mean +- max(4 std, 1.5 x "
      "its distance to the data's mean); around the data, mean +- 3.5 std, for gamma < 1) to the "
      "tilted target "
      "p(x | c)^gamma p(x)^(1 - gamma) normalised on that grid (the guide's density in place of "
      "p(x) with --autoguidance). At most 1,000 samples enter each distance. CSV columns: "
      "gamma,spread,energy_to_class,energy_to_tilted,tv_to_tilted.\n" +
          guidanceConvention() + ".\n" + conventionsHelp());
  a->flags.addTo(*cmd, true);
  cmd->add_option("--gammas", a->gammas, "Comma-separated gamma values, 0..20")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--n", a->n, "Samples per run (100..1048576)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed")->capture_default_str();
  addPathOption(*cmd, "--out", a->out, "Sweep CSV")->required();
  addBackendOption(*cmd, a->backend);
  cmd->add_flag("--json", a->json,
                "Print {\"rows\", \"backend\", \"device\", \"sampler\", \"class\", "
                "\"guidance_interval\", \"autoguidance\"}");
  cmd->callback([&run, a] { run = [a] { return runGuidanceCommand(*a); }; });
}

}  // namespace flowscope::cli
