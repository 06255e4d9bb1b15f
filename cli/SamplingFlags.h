#pragma once
// The flags that choose data, sampler and schedule, shared by `sample` and `sweep`.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "Dataset.h"
#include "DiffusionSimulation.h"
#include "Guidance.h"

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
  // --class C --guidance G --guidance-interval LO HI --autoguidance F (Guidance.h).
  int classLabel = -1;
  double guidance = 1.0, autoguidance = 1.0;
  std::vector<double> interval;

  // `withSampler`: add --sampler/--schedule/--steps (sweep chooses samplers itself);
  // `withGuidance`: add --class/--guidance/--guidance-interval/--autoguidance.
  void addTo(CLI::App& cmd, bool withSampler, bool withGuidance = true);
  void addGuidanceOptions(CLI::App& cmd);
  // Validates everything before any work; throws InputError naming the flag.
  std::shared_ptr<const Dataset> loadData() const;
  // The guidance the flags ask for (validated against the data by `guided`).
  GuidanceSpec guidanceSpec() const;
  // `data` guided as the flags say (itself without --class); InputError naming the flag.
  std::shared_ptr<const Dataset> guided(const std::shared_ptr<const Dataset>& data) const;
  // The guidance's JSON fields (class, guidance, guidance_interval, autoguidance), or none.
  void describeGuidance(nlohmann::json& j) const;
  SamplingConfig config(SamplerKind kind, std::optional<ScheduleKind> schedule, int steps, int n,
                        uint64_t seed) const;
  SamplingConfig config(int n, uint64_t seed) const;
};

std::string conventionsHelp();
// Runs a validator, re-throwing its "field: why" as "--field: why".
void asFlags(const std::function<void()>& fn);

}  // namespace flowscope::cli
