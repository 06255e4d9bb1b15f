#include "SamplingFlags.h"

#include <algorithm>
#include <cmath>

#include "CliOutput.h"
#include "DiffusionParams.h"
#include "InputError.h"
#include "LearnedModel.h"

namespace flowscope::cli {
namespace {

std::string flagOf(const std::string& field) {
  std::string f = field;
  std::replace(f.begin(), f.end(), '_', '-');
  return "--" + f;
}

}  // namespace

void asFlags(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    std::string why = e.what();
    auto colon = why.find(':');
    throw InputError(flagOf(why.substr(0, colon)) + why.substr(colon));
  }
}

std::string conventionsHelp() {
  return "Conventions: every process is x = s(t) (x0 + sigma(t) eps) (Karras et al. 2022). "
         "Schedules: linear "
         "and cosine are discrete VP (T = 1000) with --spacing leading|trailing|linspace; vp the "
         "continuous VP "
         "SDE (beta 0.1..20); ve geometric sigma (default 0.01..50); karras EDM's sigma (default "
         "0.002..80, "
         "rho 7); flow x_t = (1-t) x0 + t eps. euler/heun/edm-stochastic/euler-maruyama/dpmpp-2m "
         "integrate in "
         "sigma on x/s (k-diffusion convention); ddpm/ddim need a VP schedule; langevin needs ve; "
         "flow-* need "
         "flow. Noise: counter-based, identical on both backends. State float32; GPU arithmetic "
         "float32, CPU "
         "double.";
}

void SamplingFlags::addTo(CLI::App& cmd, bool withSampler, bool withGuidance) {
  std::string presets;
  for (const auto& p : presetNames()) presets += (presets.empty() ? "" : ", ") + p;
  addPathOption(cmd, "--data", data,
                "A preset (" + presets +
                    "), a mixture .json, a point cloud .csv (header x,y), or a "
                    "density .png. Accepted: coordinates and means |x| <= 1e6, variances "
                    "1e-12..1e12, weights 0..1e15, at most 1,048,576 points, PNGs up to 8192 a "
                    "side")
      ->required();
  cmd.add_option("--model", model,
                 "exact: the closed-form mixture denoiser, or the empirical ideal denoiser of a "
                 "point cloud; learned:FILE.safetensors: a network trained by `train` (or "
                 "exported from PyTorch), asked as its objective says (README: Learned models); "
                 "--data still gives the reference density and samples")
      ->capture_default_str();
  cmd.add_flag("--unit-variance", unitVariance,
               "Rescale the data about the origin to variance 1 per axis");
  if (withSampler) {
    std::string names;
    for (auto k : allSamplers()) names += (names.empty() ? "" : "|") + samplerKindName(k);
    cmd.add_option("--sampler", sampler, names)->capture_default_str();
    cmd.add_option("--schedule", schedule,
                   "linear|cosine|vp|ve|karras|flow (default: the sampler's first compatible one)");
    cmd.add_option("--steps", steps, "Number of steps N (1..1000)")->capture_default_str();
  }
  spacingOpt = cmd.add_option("--spacing", spacing,
                              "linear/cosine: leading|trailing|linspace (default trailing)");
  sigmaMinOpt =
      cmd.add_option("--sigma-min", sigmaMin,
                     "karras/ve: smallest non-zero sigma, 1e-5..1e5 (default 0.002 / 0.01)");
  sigmaMaxOpt = cmd.add_option("--sigma-max", sigmaMax,
                               "karras/ve: initial sigma, 1e-5..1e5 (default 80 / 50)");
  rhoOpt = cmd.add_option("--rho", rho, "karras: schedule exponent, 0.1..100 (default 7)");
  etaOpt = cmd.add_option("--eta", samplerParams.eta,
                          "ddim: 0 deterministic .. 1 the DDPM posterior variance")
               ->capture_default_str();
  churnOpts[0] =
      cmd.add_option("--s-churn", samplerParams.sChurn, "edm-stochastic: S_churn, 0..1000")
          ->capture_default_str();
  churnOpts[1] = cmd.add_option("--s-tmin", samplerParams.sTmin, "edm-stochastic: S_tmin, 0..1e30")
                     ->capture_default_str();
  churnOpts[2] = cmd.add_option("--s-tmax", samplerParams.sTmax,
                                "edm-stochastic: S_tmax, 0..1e30 (1e30: no bound)")
                     ->capture_default_str();
  churnOpts[3] =
      cmd.add_option("--s-noise", samplerParams.sNoise, "edm-stochastic: S_noise, (0, 10]")
          ->capture_default_str();
  langevinOpts[0] =
      cmd.add_option(
             "--langevin-eps", samplerParams.langevinEps,
             "langevin: step size at the smallest level (a_i = eps sigma_i^2 / sigma_min^2), "
             "at most 2 sigma_min^2 (a larger step overshoots the modes and diverges)")
          ->capture_default_str();
  langevinOpts[1] =
      cmd.add_option("--langevin-steps", samplerParams.langevinStepsPerLevel,
                     "langevin: steps per noise level T, 1..1000; steps x (T + 1) <= 10,000 "
                     "model evaluations")
          ->capture_default_str();
  if (withGuidance) addGuidanceOptions(cmd);
}

void SamplingFlags::addGuidanceOptions(CLI::App& cmd) {
  cmd.add_option("--class", classLabel,
                 "Sample (or evaluate) class C of labelled data: a mixture's \"labels\", a CSV's "
                 "label column, the presets gmm8 (4), grid25, moons, rings, spiral (2), or a "
                 "network trained with --conditional");
  cmd.add_option("--guidance", guidance,
                 "Classifier-free guidance gamma, 0..20, with --class: " + guidanceConvention())
      ->capture_default_str();
  cmd.add_option("--guidance-interval", interval,
                 "LO HI: guide only for sigma = tau / s in [LO, HI] (Kynkaanniemi et al. 2024); "
                 "the conditional model elsewhere")
      ->expected(2);
  cmd.add_option("--autoguidance", autoguidance,
                 "F in (1, 100]: guide with class C's own mixture, covariances x F, instead of "
                 "the unconditional model (Karras et al. 2024); mixtures only")
      ->capture_default_str();
}

GuidanceSpec SamplingFlags::guidanceSpec() const {
  GuidanceSpec g;
  g.classLabel = classLabel;
  g.scale = guidance;
  g.autoguidance = autoguidance;
  if (interval.size() == 2) g.sigmaLo = interval[0], g.sigmaHi = interval[1];
  return g;
}

std::shared_ptr<const Dataset> SamplingFlags::guided(
    const std::shared_ptr<const Dataset>& data) const {
  if (classLabel < -1) throw InputError("--class: must be 0 or more");
  std::shared_ptr<const Dataset> out;
  asFlags([&] { out = withGuidance(data, guidanceSpec()); });
  return out;
}

void SamplingFlags::describeGuidance(nlohmann::json& j) const {
  if (classLabel < 0) return;
  const GuidanceSpec g = guidanceSpec();
  j["class"] = g.classLabel;
  j["guidance"] = g.scale;
  const nlohmann::json hi = std::isinf(g.sigmaHi) ? nlohmann::json() : nlohmann::json(g.sigmaHi);
  j["guidance_interval"] = {g.sigmaLo, hi};  // null: no upper bound
  j["autoguidance"] = g.autoguidance;
}

std::shared_ptr<const Dataset> SamplingFlags::loadData() const {
  const bool learned = model.rfind("learned:", 0) == 0;
  if (model != "exact" && !learned)
    throw InputError("--model: unknown '" + model + "' (valid: exact, learned:FILE.safetensors)");
  DataSource source = DataSource::named(data);
  source.unitVariance = unitVariance;
  auto resolved = resolve(source);
  if (!learned) return resolved;
  const std::string path = model.substr(8);
  if (path.empty()) throw InputError("--model: learned: needs a file, learned:MODEL.safetensors");
  return withLearnedModel(resolved, LearnedModel::load(path), path);
}

SamplingConfig SamplingFlags::config(SamplerKind kind, std::optional<ScheduleKind> scheduleKind,
                                     int stepCount, int n, uint64_t seed) const {
  SamplingConfig c;
  c.sampler = samplerParams;
  c.sampler.kind = kind;
  asFlags([&] { validate(c.sampler); });
  ScheduleKind k = scheduleKind.value_or(customarySchedule(kind));
  asFlags([&] { checkCompatible(kind, k); });  // before the flags that only some kinds take
  auto refuse = [](CLI::Option* o, bool applies, const std::string& where) {
    if (o && o->count() > 0 && !applies)
      throw InputError(o->get_name() + ": applies only to " + where);
  };
  const bool discrete = k == ScheduleKind::Linear || k == ScheduleKind::Cosine;
  refuse(spacingOpt, discrete, "the linear and cosine schedules");
  refuse(sigmaMinOpt, k == ScheduleKind::Karras || k == ScheduleKind::Ve,
         "the karras and ve schedules");
  refuse(sigmaMaxOpt, k == ScheduleKind::Karras || k == ScheduleKind::Ve,
         "the karras and ve schedules");
  refuse(rhoOpt, k == ScheduleKind::Karras, "the karras schedule");
  refuse(etaOpt, kind == SamplerKind::Ddim, "--sampler ddim");
  for (auto* o : churnOpts)
    refuse(o, kind == SamplerKind::EdmStochastic, "--sampler edm-stochastic");
  for (auto* o : langevinOpts) refuse(o, kind == SamplerKind::Langevin, "--sampler langevin");
  c.schedule = defaultSchedule(k, stepCount);
  c.schedule.steps = stepCount;
  if (!spacing.empty()) asFlags([&] { c.schedule.spacing = parseSpacing(spacing); });
  if (sigmaMin) c.schedule.sigmaMin = *sigmaMin;
  if (sigmaMax) c.schedule.sigmaMax = *sigmaMax;
  if (rho) c.schedule.rho = *rho;
  asFlags([&] { validate(c.schedule); });
  asFlags([&] { validate(c.sampler, c.schedule); });
  if (n < 1 || n > (1 << 22)) throw InputError("--n: must be between 1 and 4194304");
  c.particleCount = n;
  c.seed = seed;
  return c;
}

SamplingConfig SamplingFlags::config(int n, uint64_t seed) const {
  SamplerKind kind;
  asFlags([&] { kind = parseSamplerKind(sampler); });
  std::optional<ScheduleKind> k;
  if (!schedule.empty()) asFlags([&] { k = parseSchedule(schedule); });
  return config(kind, k, steps, n, seed);
}

}  // namespace flowscope::cli
