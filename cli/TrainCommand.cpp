// flowscope-cli train: a small network trained on 2-D data with the training engine's float32
// CPU backend, saved as safetensors (the weight average, the copy used for sampling).
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
#include "MlpWeights.h"
#include "OutputFiles.h"
#include "OutputPath.h"
#include "Trainer.h"

namespace flowscope::cli {
namespace {

struct TrainArgs {
  std::string data = "gmm8", out, log;
  std::string objective = "flow", tSampling = "uniform", activation = "silu", embedding = "fourier";
  double tMean = 0.0, tStd = 1.0, lr = 1e-3, ema = 0.999, embeddingScale = 16.0;
  int points = 4096, width = 64, depth = 3, embeddingWidth = 32, batch = 256, warmup = 0;
  long steps = 2000;
  uint64_t seed = 1;
  bool residual = false, json = false;
};

// The training set: N draws of a mixture, or the first N points of a point cloud.
std::vector<glm::dvec2> trainingSet(const Dataset& data, int n, uint64_t seed) {
  if (n < 4 || n > 1000000) throw InputError("--points: between 4 and 1000000");
  if (data.mixture) return data.sample(size_t(n), seed);
  const std::vector<glm::dvec2>& all = data.points->points();
  return {all.begin(), all.begin() + long(std::min(all.size(), size_t(n)))};
}

// A check's "field: why" as the flag's "--flag: why": spaces become dashes ("embedding width"
// is --embedding-width), and the optimiser's and average's names become their flags'.
template <class Fn>
auto asFlag(Fn&& check) {
  try {
    return check();
  } catch (const InputError& e) {
    static const std::map<std::string, std::string> flags = {{"learning rate", "lr"},
                                                             {"warm-up steps", "warmup"},
                                                             {"total steps", "steps"},
                                                             {"EMA decay", "ema"}};
    const std::string what = e.what();
    const size_t colon = std::min(what.find(':'), what.size());
    std::string field = what.substr(0, colon);
    const auto named = flags.find(field);
    if (named != flags.end())
      field = named->second;
    else
      std::replace(field.begin(), field.end(), ' ', '-');
    throw InputError("--" + field + what.substr(colon));
  }
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
  s.adam.learningRate = a.lr;
  s.adam.warmupSteps = a.warmup;
  s.adam.totalSteps = a.steps;
  s.emaDecay = a.ema;
  s.batch = a.batch;
  s.seed = a.seed;
  asFlag([&] { validate(s); });
  return s;
}

int runTrain(const TrainArgs& a) {
  checkOutputPath("--out", a.out, ".safetensors");
  if (!a.log.empty()) checkOutputPath("--log", a.log, ".csv");
  if (a.steps < 1 || a.steps > 10000000) throw InputError("--steps: between 1 and 10000000");
  const TrainingSpec spec = specOf(a);
  const std::shared_ptr<const Dataset> data =
      resolve(isPreset(a.data) ? DataSource::ofPreset(a.data) : DataSource::ofFile(a.data));
  FastCpuTrainer trainer(spec, trainingSet(*data, a.points, a.seed));
  std::vector<double> losses;
  const auto start = std::chrono::steady_clock::now();
  for (long k = 0; k < a.steps; ++k) {
    const double loss = trainer.step();
    if (!std::isfinite(loss))
      throw InputError("step " + std::to_string(k + 1) +
                       ": the loss is not finite (lower --lr, or add --warmup)");
    losses.push_back(loss);
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
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
  const std::string backend = "cpu float32 (Eigen, " +
                              std::to_string(std::max(1u, std::thread::hardware_concurrency())) +
                              " threads)";
  // The floor no network can go below, for a mixture: the exact model's loss on 20,000 fresh
  // draws (its own noise). Null for point clouds.
  nlohmann::json floor;
  if (data->mixture) {
    Pcg32 rng(a.seed, 101u);
    floor = irreducibleLoss(Objective(spec.objective), *data->mixture,
                            data->sample(20000, a.seed + 1), rng);
  }
  const nlohmann::json j{{"steps", a.steps},
                         {"final_loss", final},
                         {"irreducible_loss", floor},
                         {"time_ms", ms},
                         {"steps_per_s", 1000.0 * double(a.steps) / ms},
                         {"backend", backend},
                         {"parameters", trainer.parameters().size()},
                         {"objective", a.objective}};
  return finish(files, j, a.json,
                format("trained %ld steps (final loss %.4g, %.0f steps/s on %s); wrote %s", a.steps,
                       final, 1000.0 * double(a.steps) / ms, backend.c_str(), a.out.c_str()));
}

}  // namespace

void addTrainCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train",
      "Train a small MLP on 2-D data (the training engine's float32 CPU backend: Eigen, every "
      "thread) and save its weight average as safetensors (README: File formats). Objectives: "
      "edm (Karras et al. 2022: sigma_data 0.5, ln sigma ~ N(-1.2, 1.2^2), preconditioned), "
      "ddpm-eps and ddpm-v (linear schedule, T = 1000), flow (x_t = (1 - t) x0 + t eps, target "
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
                "20,000 fresh draws: the floor; null for point clouds), \"time_ms\", "
                "\"steps_per_s\", \"backend\", \"parameters\", \"objective\"}");
  cmd->callback([&run, a] { run = [a] { return runTrain(*a); }; });
}

}  // namespace flowscope::cli
