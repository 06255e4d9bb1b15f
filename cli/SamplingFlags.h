#pragma once
// The flags that choose data, sampler and schedule, shared by `sample` and `sweep`.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "Dataset.h"
#include "DiffusionSimulation.h"

namespace flowscope::cli {

struct SamplingFlags {
  std::string data, model = "exact", sampler = "heun", schedule, spacing;
  int steps = 18;
  std::optional<double> sigmaMin, sigmaMax, rho;
  SamplerParams samplerParams{};
  bool unitVariance = false;
  // Options that only apply to some schedules or samplers: given elsewhere, they are refused.
  CLI::Option *spacingOpt = nullptr, *sigmaMinOpt = nullptr, *sigmaMaxOpt = nullptr,
              *rhoOpt = nullptr;
  CLI::Option *etaOpt = nullptr, *churnOpts[4] = {}, *langevinOpts[2] = {};

  // `withSampler`: add --sampler/--schedule/--steps (sweep chooses samplers itself).
  void addTo(CLI::App& cmd, bool withSampler);
  // Validates everything before any work; throws InputError naming the flag.
  std::shared_ptr<const Dataset> loadData() const;
  SamplingConfig config(SamplerKind kind, std::optional<ScheduleKind> schedule, int steps, int n,
                        uint64_t seed) const;
  SamplingConfig config(int n, uint64_t seed) const;
};

std::string conventionsHelp();
// Runs a validator, re-throwing its "field: why" as "--field: why".
void asFlags(const std::function<void()>& fn);

}  // namespace flowscope::cli
