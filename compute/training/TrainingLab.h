#pragma once
// The Training lab: a small network trained live on the Diffusion & Flow lab's datasets by the
// training engine (compute/train), beside the exact model it approximates. Play trains a few
// steps a frame (the fast CPU backend: float32, every core; at most ~12 ms a frame, so the GUI
// stays interactive), step trains one or K, reset starts again from the seed. Curves: the
// minibatch loss every step, the held-out loss of the weight average, and for mixtures the
// irreducible loss of the exact model on the same held-out batch. A snapshot of the weight
// average is evaluated off the frame (TrainingEvaluation.h): samples with any sampler, energy
// distance, memorisation, learned against exact fields, the first layer's neurons. Reflow rounds
// retrain on the model's own (z, ODE(z)) pairs. Every edit of what is trained resets training;
// edits of what is shown re-evaluate. Scenes: TrainingScene.h.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "BackgroundJob.h"
#include "FloatTrainer.h"
#include "Lab.h"
#include "Reflow.h"
#include "TrainingEvaluation.h"
#include "TrainingSettings.h"

namespace flowscope {

struct TrainingScene;

struct ReflowRound {
  int round = 0;
  long step = 0;  // when its pairs were made
  size_t crossings = 0;
  double meanSquaredLength = 0.0, straightness = 1.0;
};

class TrainingLab : public Lab {
 public:
  TrainingLab();
  ~TrainingLab() override;

  const LabInfo& info() const override;
  nlohmann::json sceneJson() const override;
  void openScene(const nlohmann::json& scene, const std::string& source) override;
  nlohmann::json editState() const override;
  std::string status() const override;
  void addStats(nlohmann::json& stats) const override;
  void setViewport(uint32_t width, uint32_t height) override { viewport_ = {width, height}; }
  void tick(double seconds) override;
  void update() override;
  void settle(const std::function<void(int, int)>& progress) override;
  void setBackgroundWork(bool on) override { background_ = on; }
  std::optional<LabProgress> progress() const override;
  bool togglePlay() override;
  bool stepPlayback(int delta) override;  // Right: one optimiser step (Left: none)
  bool resetPlayback() override;          // R: training starts again from the seed
  View2D& camera() override { return camera_; }
  const View2D& camera() const { return camera_; }
  void resetCamera() override;

  TrainingScene snapshot() const;
  void replaceScene(const TrainingScene& scene);  // validates first; InputError changes nothing

  // What is trained (each resets training; InputError leaves the lab unchanged).
  void setData(const DataSource& source);
  void setPoints(int n);
  void setTraining(const TrainingSpec& spec);
  // What is shown (each re-evaluates).
  void setStepsPerFrame(int n);
  void setLevel(double level);
  void setField(FieldKind f);
  void setSampler(SamplerKind kind, int steps);
  void setParticles(int n);
  void setReflowPairs(int n);
  void setShow(bool samples, bool data, bool learned, bool exact, bool difference);

  void play(bool on) { playing_ = on && !finished(); }
  bool playing() const { return playing_; }
  void trainSteps(long k);  // k optimiser steps now
  void resetTraining();
  // A reflow round: pairs from the current model's ODE, then training goes on from them.
  void reflow();
  void saveWeights(const std::string& path) const;  // the weight average, as `train` writes it
  void loadWeights(const std::string& path);        // InputError: a file of another network

  const TrainingSettings& settings() const { return s_; }
  const Dataset& dataset() const { return *data_; }
  const std::vector<glm::dvec2>& trainingSet() const { return trainingSet_; }
  long steps() const;
  bool finished() const { return steps() >= s_.training.adam.totalSteps; }
  const std::vector<float>& lossCurve() const { return losses_; }  // minibatch loss per step
  const std::vector<std::pair<long, double>>& heldOutCurve() const { return heldOut_; }
  std::optional<double> irreducibleLoss() const { return irreducible_; }
  bool hasHeldOut() const { return !heldOutPoints_.empty(); }
  const Evaluation* evaluation() const { return evaluation_ ? &*evaluation_ : nullptr; }
  std::optional<double> idealMemorised() const { return idealMemorised_; }
  const std::vector<ReflowRound>& reflowRounds() const { return rounds_; }
  double trainingMs() const { return trainingMs_; }  // in optimiser steps since the reset
  // Training time and step at the first evaluation whose energy distance was below `target`.
  struct Reached {
    long step;
    double ms;
  };
  std::optional<Reached> reached() const { return reached_; }
  static constexpr double kQualityTarget = 0.03;
  // The trainer that runs, in words (FloatTrainer::backend).
  std::string backendName() const;
  std::string computeBackend() const override { return "training: " + backendName(); }
  // Auto (the default): Vulkan's fused MLP where the lab's device is a GPU, else the fast CPU
  // trainer; Cpu or Gpu force one. Changing it starts training over (GpuError without a device
  // for Gpu, the lab unchanged).
  void setTrainingBackend(TrainingBackend b);
  TrainingBackend trainingBackend() const { return backend_; }
  void useGpu(const GpuContext* gpu) override;
  uint64_t revision() const { return revision_; }  // of what the renderer draws

 private:
  struct Engine;
  // The session's --backend becomes the trainer's choice (the panel's "trainer" changes it after).
  void backendChanged() override;
  void rebuild(const TrainingSettings& s, std::shared_ptr<const Dataset> data);
  void heldOutPoint();
  void evaluateNow();
  EvaluationRequest request() const;
  void takeEvaluation(Evaluation e);
  bool evaluationStale() const;

  TrainingSettings s_;
  std::shared_ptr<const Dataset> data_;
  std::vector<glm::dvec2> trainingSet_, heldOutPoints_, reference_;
  std::shared_ptr<const EmpiricalModel> trainingModel_;
  std::unique_ptr<Engine> engine_;
  const GpuContext* gpu_ = nullptr;
  TrainingBackend backend_ = TrainingBackend::Auto;
  std::vector<float> losses_;
  std::vector<double> stepMs_;  // cumulative training time after each step
  std::vector<std::pair<long, double>> heldOut_;
  std::optional<double> irreducible_, idealMemorised_;
  std::optional<Evaluation> evaluation_;
  std::optional<Reached> reached_;
  std::vector<ReflowRound> rounds_;
  double trainingMs_ = 0.0;
  long stepsBefore_ = 0;   // loaded weights: the steps the file's training had
  long pendingSteps_ = 0;  // a scene's steps still to train
  bool playing_ = false, background_ = false, idealStale_ = true;
  // What training on a frame (tick, the playback keys) refused: update() reports it, since the
  // frame reports what update() throws.
  std::optional<std::string> refused_;
  View2D camera_;
  glm::uvec2 viewport_{1280, 800};
  struct EvalKey {
    long step = -1;
    uint64_t display = 0;
    View2D camera;
    glm::uvec2 viewport{0, 0};
    bool operator==(const EvalKey& o) const {
      return step == o.step && display == o.display && camera.center == o.camera.center &&
             camera.height == o.camera.height && viewport == o.viewport;
    }
  };
  EvalKey key() const;
  EvalKey evaluatedKey_, runningKey_;
  uint64_t display_ = 1, revision_ = 1, evaluationsTaken_ = 0;
  BackgroundJob<Evaluation> job_;
  // While training runs, a new evaluation starts at most every kEvaluationInterval seconds: on a
  // 2-core machine it competes with the frame and the training steps for the CPU.
  static constexpr double kEvaluationInterval = 1.0;
  std::chrono::steady_clock::time_point lastStart_{};
};

}  // namespace flowscope
