// flowscope-cli train: a small network trained on 2-D data with one of the training engine's
// float32 backends (the fast CPU one, or Vulkan's fused MLP), saved as safetensors (the weight
// average, the copy used for sampling).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "CliCommon.h"
#include "CliOutput.h"
#include "CsvFile.h"
#include "Dataset.h"
#include "DiffusionSimulation.h"
#include "FloatTrainer.h"
#include "LearnedModel.h"
#include "Metrics.h"
#include "MlpWeights.h"
#include "OutputFiles.h"
#include "OutputPath.h"
#include "Reflow.h"
#include "TrainingEvaluation.h"

namespace flowscope::cli {
namespace {

struct TrainArgs {
  std::string data = "gmm8", out, log;
  std::string objective = "flow", tSampling = "uniform", activation = "silu", embedding = "fourier";
  std::string schedule = "linear", coupling = "independent", backend = "auto";
  double tMean = 0.0, tStd = 1.0, lr = 1e-3, ema = 0.999, embeddingScale = 16.0;
  double couplingEpsilon = 0.05, labelDropout = 0.1;
  int points = 4096, width = 64, depth = 3, embeddingWidth = 32, batch = 256, warmup = 0;
  int reflowRounds = 1, reflowPairs = 4000, qualityEvery = 0;
  long steps = 2000;
  uint64_t seed = 1;
  bool residual = false, json = false, conditional = false;
  CLI::Option* reflowOpts[2] = {};
  CLI::Option* labelDropoutOpt = nullptr;
};

// A sample-quality check: 2,000 samples of the weight average (flow-heun, 20 steps, for flow;
// heun on VP otherwise) against 2,000 fresh draws of the data.
double sampleQuality(const std::shared_ptr<const Dataset>& data, const TrainingSpec& spec,
                     const std::vector<float>& weights, uint64_t seed) {
  auto model = std::make_shared<const LearnedModel>(
      MlpWeights{spec.network, {weights.begin(), weights.end()}, spec.objective});
  TrainingSettings s;
  s.training = spec;
  s.sampler =
      spec.objective.kind == ObjectiveKind::Flow ? SamplerKind::FlowHeun : SamplerKind::Heun;
  s.samplerSteps = 20;
  DiffusionSimulation sim(withLearnedModel(data, model, "the network"), samplingOf(s, 2000, seed),
                          nullptr);
  sim.seek(sim.steps());
  std::vector<glm::dvec2> samples;
  for (glm::vec2 p : sim.positions(sim.steps())) samples.push_back(glm::dvec2(p));
  return energyDistance(samples, data->sample(2000, seed + 1));
}

// The training set: N draws of a mixture, or the first N points of a point cloud, with their
// class labels into *labels (a mixture's components', a CSV's label column; empty without).
std::vector<glm::dvec2> trainingSet(const Dataset& data, int n, uint64_t seed,
                                    std::vector<int>* labels) {
  if (n < 4 || n > 1000000) throw InputError("--points: between 4 and 1000000");
  labels->clear();
  if (data.mixture)
    return data.mixture->sample(size_t(n), seed, data.classCount() > 0 ? labels : nullptr);
  const std::vector<glm::dvec2>& all = data.points->points();
  const size_t count = std::min(all.size(), size_t(n));
  if (!data.pointLabels.empty())
    labels->assign(data.pointLabels.begin(), data.pointLabels.begin() + long(count));
  return {all.begin(), all.begin() + long(count)};
}

TrainingSpec specOf(const TrainArgs& a) {
  TrainingSpec s;
  s.network.width = a.width;
  s.network.depth = a.depth;
  s.network.activation = asFlag([&] { return parseActivation(a.activation); });
  s.network.residual = a.residual;
  s.network.embedding.kind = asFlag([&] { return parseEmbedding(a.embedding); });
  s.network.embedding.width = a.embeddingWidth;
  s.network.embedding.scale = a.embeddingScale;
  s.network.embedding.seed = a.seed;
  s.network.seed = a.seed;
  s.objective.kind = asFlag([&] { return parseObjective(a.objective); });
  s.objective.timeSampling = asFlag([&] { return parseTimeSampling(a.tSampling); });
  s.objective.tMean = a.tMean;
  s.objective.tStd = a.tStd;
  s.objective.schedule = asFlag([&] { return parseSchedule(a.schedule); });
  if (a.coupling != "reflow") {
    s.coupling = asFlag([&] { return parseMinibatchCoupling(a.coupling); });
    for (const CLI::Option* o : a.reflowOpts)
      if (o->count() > 0) throw InputError(o->get_name() + ": needs --coupling reflow");
  } else if (s.objective.kind != ObjectiveKind::Flow) {
    throw InputError("--coupling: reflow rectifies flow matching; the objective is " + a.objective);
  }
  s.couplingEpsilon = a.couplingEpsilon;
  s.adam.learningRate = a.lr;
  s.adam.warmupSteps = a.warmup;
  s.adam.totalSteps = a.steps;
  s.emaDecay = a.ema;
  s.batch = a.batch;
  s.seed = a.seed;
  asFlag([&] { validate(s); });
  return s;
}

// The Vulkan device --backend may train on: none for cpu; gpu needs one (GpuError, exit 3);
// auto takes one if there is (makeFloatTrainer then picks the CPU on a CPU device).
std::unique_ptr<GpuContext> trainingDevice(const std::string& backend) {
  if (backend == "cpu") return nullptr;
  if (backend == "gpu") return requireGpu();
  return std::move(openBackend("gpu").gpu);
}

int trainAndSave(const TrainArgs& a, const TrainingSpec& spec,
                 const std::shared_ptr<const Dataset>& data, FloatTrainer& trainer);

// --conditional: the network sees the data's classes (label dropout --label-dropout).
void conditionOn(const TrainArgs& a, const Dataset& data, TrainingSpec& spec) {
  if (!a.conditional) {
    if (a.labelDropoutOpt->count() > 0) throw InputError("--label-dropout: needs --conditional");
    return;
  }
  if (data.classCount() == 0)
    throw InputError("--conditional: " + a.data +
                     " has no class labels (a mixture's \"labels\", a CSV's label column)");
  if (a.coupling == "reflow")
    throw InputError("--conditional: reflow rectifies an unconditional flow");
  spec.network.classes = data.classCount();
  spec.labelDropout = a.labelDropout;
  asFlag([&] { validate(spec); });
}

int runTrain(const TrainArgs& a) {
  checkOutputPath("--out", a.out, ".safetensors");
  if (!a.log.empty()) checkOutputPath("--log", a.log, ".csv");
  if (a.steps < 1 || a.steps > 10000000) throw InputError("--steps: between 1 and 10000000");
  requireInRange("--reflow-rounds", a.reflowRounds, 1, 20);
  requireInRange("--reflow-pairs", a.reflowPairs, 100, TrainingSettings::kMaxReflowPairs);
  if (a.qualityEvery < 0) throw InputError("--quality-every: 0 (off) or a number of steps");
  TrainingSpec spec = specOf(a);
  const std::shared_ptr<const Dataset> data = resolve(DataSource::named(a.data));
  std::vector<int> labels;
  std::vector<glm::dvec2> points = trainingSet(*data, a.points, a.seed, &labels);
  conditionOn(a, *data, spec);
  if (!spec.network.classes) labels.clear();
  const std::unique_ptr<GpuContext> gpu = trainingDevice(a.backend);
  const std::unique_ptr<FloatTrainer> trainer =
      makeFloatTrainer(spec, std::move(points), gpu.get(), parseBackendChoice(a.backend));
  if (!labels.empty()) trainer->setLabels(std::move(labels));
  return trainAndSave(a, spec, data, *trainer);
}

int trainAndSave(const TrainArgs& a, const TrainingSpec& spec,
                 const std::shared_ptr<const Dataset>& data, FloatTrainer& trainer) {
  const std::string backend = (trainer.onGpu() ? "gpu: " : "cpu: ") + trainer.backend();
  std::vector<double> losses;
  nlohmann::json quality = nlohmann::json::array(), rounds = nlohmann::json::array();
  nlohmann::json reached;
  double ms = 0.0;
  const bool reflow = a.coupling == "reflow";
  const long total = a.steps * (reflow ? 1 + a.reflowRounds : 1);
  for (long k = 0; k < total; ++k) {
    if (reflow && k > 0 && k % a.steps == 0) {  // a round: pairs from the model's own ODE
      TrainingSettings s;
      s.training = spec;
      s.reflowPairs = a.reflowPairs;
      const std::vector<float>& w = trainer.averaged();
      const ReflowPairs p =
          makeReflowPairs(withLearnedModel(data,
                                           std::make_shared<const LearnedModel>(MlpWeights{
                                               spec.network, {w.begin(), w.end()}, spec.objective}),
                                           "the network"),
                          s, a.seed + 31 + rounds.size());
      trainer.setPairs(p.noise, p.data);
      rounds.push_back({{"step", k},
                        {"crossings", p.crossings},
                        {"straightness", p.straightness},
                        {"mean_sq_length", p.meanSquaredLength}});
    }
    const auto start = std::chrono::steady_clock::now();
    const double loss = trainer.step();
    ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!std::isfinite(loss))
      throw InputError("step " + std::to_string(k + 1) +
                       ": the loss is not finite (lower --lr, or add --warmup)");
    losses.push_back(loss);
    if (a.qualityEvery > 0 && (k + 1) % a.qualityEvery == 0) {
      const double ed = sampleQuality(data, spec, trainer.averaged(), a.seed + 5);
      quality.push_back({{"step", k + 1}, {"train_ms", ms}, {"energy_distance", ed}});
      if (reached.is_null() && ed < 0.03) reached = ms;
    }
  }
  OutputFiles files;
  const std::vector<float>& ema = trainer.averaged();
  files.stage(
      a.out,
      encodeMlp({spec.network, std::vector<double>(ema.begin(), ema.end()), spec.objective}, true));
  if (!a.log.empty())
    files.stage(a.log, [&](std::ostream& out) {
      CsvWriter csv(out, a.log, {"step", "loss"});
      for (size_t k = 0; k < losses.size(); ++k)
        csv.row(std::vector<double>{double(k + 1), losses[k]});
    });
  // The last 1% of the steps (at least one) averaged: one minibatch's loss is noisy.
  const size_t tail = std::max<size_t>(1, losses.size() / 100);
  double final = 0.0;
  for (size_t k = losses.size() - tail; k < losses.size(); ++k) final += losses[k] / double(tail);
  // The floor no network can go below, for a mixture: the exact model's loss on 20,000 fresh
  // draws (its own noise). Null for point clouds, for coupled pairs (a coupling changes which
  // noise goes with which sample, so the independent floor does not apply) and for a
  // class-conditional network (knowing the class lowers the floor).
  nlohmann::json floor;
  if (data->mixture && spec.coupling == MinibatchCoupling::Independent && !reflow &&
      spec.network.classes == 0) {
    Pcg32 rng(a.seed, 101u);
    floor = irreducibleLoss(Objective(spec.objective), *data->mixture,
                            data->sample(20000, a.seed + 1), rng);
  }
  nlohmann::json j{{"steps", total},
                   {"final_loss", final},
                   {"irreducible_loss", floor},
                   {"time_ms", ms},
                   {"steps_per_s", 1000.0 * double(total) / ms},
                   {"backend", backend},
                   {"parameters", trainer.parameters().size()},
                   {"objective", a.objective},
                   {"coupling", a.coupling},
                   {"classes", spec.network.classes}};
  if (spec.network.classes > 0) j["label_dropout"] = spec.labelDropout;
  if (reflow) j["reflow_rounds"] = rounds;
  if (a.qualityEvery > 0) {
    j["quality"] = quality;
    j["time_to_energy_distance_0.03_ms"] = reached;
  }
  return finish(files, j, a.json,
                format("trained %ld steps (final loss %.4g, %.0f steps/s on %s); wrote %s", total,
                       final, 1000.0 * double(total) / ms, backend.c_str(), a.out.c_str()));
}

}  // namespace

void addTrainCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train",
      "Train a small MLP on 2-D data (the training engine's float32 backends: Vulkan's fused "
      "MLP where the device is a GPU, else the fast CPU one, OpenBLAS and Eigen on every thread; "
      "--backend "
      "and the output say which ran) and save its weight average as safetensors (README: File "
      "formats). Objectives: "
      "edm (Karras et al. 2022: sigma_data 0.5, ln sigma ~ N(-1.2, 1.2^2), preconditioned), "
      "ddpm-eps and ddpm-v (--schedule linear or cosine, T = 1000), flow (x_t = (1 - t) x0 + t "
      "eps, target "
      "eps - x0: t = 0 data, t = 1 noise). The network sees x and an embedding of the level "
      "(c_noise, t / T or t).");
  addPathOption(*cmd, "--data", a->data, "Preset name or data file (mixture .json, points .csv)")
      ->capture_default_str();
  cmd->add_option("--points", a->points,
                  "Training set size N: draws of a mixture, or a point cloud's first N points")
      ->capture_default_str();
  cmd->add_option("--objective", a->objective, "edm|ddpm-eps|ddpm-v|flow")->capture_default_str();
  cmd->add_option("--t-sampling", a->tSampling,
                  "flow: uniform, or logit-normal (SD3: t = sigmoid(m + s n))")
      ->capture_default_str();
  cmd->add_option("--schedule", a->schedule, "ddpm-eps, ddpm-v: linear|cosine (T = 1000)")
      ->capture_default_str();
  cmd->add_option("--coupling", a->coupling,
                  "flow: independent|exact|sinkhorn pairs each minibatch's noise and data "
                  "(exact: OT-CFM, the optimal assignment; sinkhorn: a partner drawn from the "
                  "entropic plan at --coupling-epsilon); reflow: after --steps, --reflow-rounds "
                  "rounds of --steps more on pairs (z, ODE(z)) of the model itself (flow-heun, 20 "
                  "steps)")
      ->capture_default_str();
  cmd->add_option("--coupling-epsilon", a->couplingEpsilon,
                  "sinkhorn: POT's reg on the squared distance")
      ->capture_default_str();
  a->reflowOpts[0] = cmd->add_option("--reflow-rounds", a->reflowRounds, "reflow: rounds, 1..20")
                         ->capture_default_str();
  a->reflowOpts[1] =
      cmd->add_option("--reflow-pairs", a->reflowPairs, "reflow: pairs a round makes, 100..50000")
          ->capture_default_str();
  cmd->add_option("--backend", a->backend,
                  "auto: gpu where the Vulkan device is a GPU, else cpu (on a CPU device such as "
                  "lavapipe the CPU backend is the faster); gpu: the fused Vulkan MLP (forward, "
                  "backward and weight gradients in three dispatches a step, Adam on the host) "
                  "on any Vulkan device; cpu: the fast CPU backend (float32, OpenBLAS and Eigen, "
                  "every thread). The output's backend says which ran: \"gpu: ...\" or "
                  "\"cpu: ...\"")
      ->check(CLI::IsMember({"auto", "gpu", "cpu"}))
      ->capture_default_str();
  cmd->add_flag("--conditional", a->conditional,
                "Class-conditional: the network also sees each sample's class, a one-hot of K + 1 "
                "(K the data's classes: a mixture's \"labels\", a CSV's label column; the last "
                "slot \"no class\"), replaced by \"no class\" with probability --label-dropout "
                "(classifier-free guidance's training). A model file of it samples unconditionally "
                "(no class)");
  a->labelDropoutOpt =
      cmd->add_option("--label-dropout", a->labelDropout,
                      "--conditional: P(a sample's label becomes \"no class\"), in [0, 1]")
          ->capture_default_str();
  cmd->add_option("--quality-every", a->qualityEvery,
                  "Every K steps, 2,000 samples of the weight average (flow-heun or heun, 20 "
                  "steps) against 2,000 fresh draws: their energy distance (0: off)")
      ->capture_default_str();
  cmd->add_option("--t-mean", a->tMean, "logit-normal m")->capture_default_str();
  cmd->add_option("--t-std", a->tStd, "logit-normal s")->capture_default_str();
  cmd->add_option("--width", a->width, "Hidden units, 16..512")->capture_default_str();
  cmd->add_option("--depth", a->depth, "Hidden layers, 1..8")->capture_default_str();
  cmd->add_option("--activation", a->activation, "relu|silu|gelu|tanh|elu")->capture_default_str();
  cmd->add_flag("--residual", a->residual, "Residual connections from the second hidden layer on");
  cmd->add_option("--embedding", a->embedding,
                  "none|sinusoidal|fourier: the level's features (fourier: random, seeded)")
      ->capture_default_str();
  cmd->add_option("--embedding-width", a->embeddingWidth, "Even, 2..256")->capture_default_str();
  cmd->add_option("--embedding-scale", a->embeddingScale,
                  "fourier: the frequencies' standard deviation")
      ->capture_default_str();
  cmd->add_option("--steps", a->steps, "Optimiser steps")->capture_default_str();
  cmd->add_option("--batch", a->batch, "Minibatch size, 1..65536")->capture_default_str();
  cmd->add_option("--lr", a->lr, "AdamW learning rate (cosine decay to 0 over --steps)")
      ->capture_default_str();
  cmd->add_option("--warmup", a->warmup, "Steps of linear warm-up")->capture_default_str();
  cmd->add_option("--ema", a->ema, "Weight average decay, in [0, 1)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the data, weights, noise and minibatches")
      ->capture_default_str();
  addPathOption(*cmd, "--out", a->out, "Weights, .safetensors")->required();
  addPathOption(*cmd, "--log", a->log, "Loss per step, CSV step,loss");
  cmd->add_flag("--json", a->json,
                "Print {\"steps\", \"final_loss\" (the mean of the last 1% of steps), "
                "\"irreducible_loss\" (a mixture's exact model under the same objective on "
                " 20,000 fresh draws: the floor; null for point clouds, couplings other than "
                "independent and --conditional), \"time_ms\", "
                "\"steps_per_s\", \"backend\", \"parameters\", \"objective\", \"coupling\", "
                "\"classes\" (0: unconditional)}, with --conditional \"label_dropout\", "
                "with reflow \"reflow_rounds\" [{step, crossings, straightness, mean_sq_length}], "
                "with --quality-every \"quality\" [{step, train_ms, energy_distance}] and "
                "\"time_to_energy_distance_0.03_ms\" (training time, null if never)");
  cmd->callback([&run, a] { run = [a] { return runTrain(*a); }; });
}

}  // namespace flowscope::cli
