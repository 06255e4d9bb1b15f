#pragma once
// The Normalizing Flows lab: a flow (FlowSpec.h) trained live by maximum likelihood on the
// fast CPU path, drawn layer by layer. A regular grid and points are pushed through the first k
// layers (the layer slider; Right/Left step it, showAnimation sweeps it), in either direction:
// "gaussianise" carries the data and a grid over it toward the latent Gaussian (data -> latent),
// "generate" carries base draws and a grid over the base toward the data (latent -> data). The
// heatmap shows the model's density exp(log p) beside the data's (split at the view's middle),
// either alone, the k-th layer's log |det J| over the plane (the layer's input there), or the
// divergence of the probability-flow ODE's velocity at a time t (the continuous view). The
// panel plots the NLL curves, each layer's contribution to the NLL and the ODE likelihood of the
// exact data along a line beside its closed form, with the error of each solver against steps.
// Space trains (play/pause), R starts training again. Scenes: {"lab": "normalizing-flow", ...}.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "Dataset.h"
#include "FlowNetwork.h"
#include "FlowTrainer.h"
#include "Lab.h"
#include "OdeLikelihood.h"
#include "ScalarGrid.h"
#include "VulkanKernel.h"

namespace flowscope {

class FastCpuMlp;
class GpuFlow;

enum class FlowHeatmap { None, Split, Model, Data, LayerLogDet, Divergence };
std::string flowHeatmapName(FlowHeatmap h);  // "none", "split", "model", "data", "logdet", ...
FlowHeatmap parseFlowHeatmap(const std::string& name);

struct FlowsSettings {
  std::string data = "moons";  // a preset or a points file
  int points = 2000;           // training points (a mixture's seeded draws), 100..100,000
  FlowTrainingSpec training;
  int stepsPerFrame = 4;  // training steps a frame while playing, 1..200 (4: ~11 ms here)
  bool generate = true;   // latent -> data (else data -> latent)
  int layer = -1;         // layers shown applied, 0..L (-1: all)
  FlowHeatmap heatmap = FlowHeatmap::Split;
  bool showGrid = true, showPoints = true;
  double divergenceTime = 0.3;  // the continuous view's t (flow path), (0, 1)
  double lineY = 0.0;           // the ODE likelihood's line y = lineY
  std::string odeModel;         // its model: "" the exact data, else a network file (train)
  OdeLikelihoodSpec ode;        // its solver (the flow path by default)
};
void validate(const FlowsSettings& s);  // InputError naming the field

// What the frame draws, computed from one snapshot of the parameters.
struct FlowPicture {
  long step = -1;
  uint64_t serial = 0;
  std::vector<std::vector<glm::vec2>> gridStates;   // per layer boundary: every grid line's points
  std::vector<std::vector<glm::vec2>> pointStates;  // per layer boundary: the points
  size_t gridLines = 0, gridPointsPerLine = 0;
  ScalarGrid heatmap;  // node (i, j) at (i, j) * kCellPixels from the view's top-left
  std::string heatmapLabel;
  uint32_t viewWidth = 0, viewHeight = 0;
  std::vector<double> layerLogDet;  // mean log |det J| of each layer on the held-out points
  double baseLogp = 0.0;            // their mean log N(z)
  double heldOutNll = 0.0;
  static constexpr uint32_t kCellPixels = 10;
};

// The ODE likelihood along the line y = lineY (64 points across the view).
struct OdeLine {
  std::vector<double> x, ode, closed, standardError;
  std::string model;  // "the exact mixture" or the network's file
  bool hutchinson = false;
  double meanStandardError = 0.0;
  // Max |ODE - closed form| on 16 of the points for each solver and step count.
  std::vector<int> steps;
  std::vector<std::vector<double>> error;  // [solver: euler, heun, rk4][steps]
  // The continuity equation along one trajectory: from the line's densest point x(t_min) to
  // x(1), the ODE's states at its levels t and the log-density carried with them,
  // log p(x(t), t) = log p0(x) - integral from t_min to t of div v.
  std::vector<glm::dvec2> trajectory;
  std::vector<double> trajectoryT, trajectoryLogp;
  uint64_t key = 0;
};

class FlowsLab : public Lab {
 public:
  FlowsLab();
  ~FlowsLab() override;
  const LabInfo& info() const override;
  nlohmann::json sceneJson() const override;
  void openScene(const nlohmann::json& scene, const std::string& source) override;
  nlohmann::json editState() const override;
  std::string status() const override;
  void addStats(nlohmann::json& stats) const override;
  void setViewport(uint32_t width, uint32_t height) override;
  void tick(double seconds) override;
  void update() override;
  void settle(const std::function<void(int, int)>& progress) override;
  // Where the device is a GPU, the grid and points are traced by the flow kernel (FlowKernel.h);
  // on a CPU device (lavapipe) or none, by the fast CPU path.
  void useGpu(const GpuContext* gpu) override;
  bool togglePlay() override;
  bool stepPlayback(int delta) override;  // Right / Left: one layer more / less
  bool resetPlayback() override;          // R: training from the seed again
  int sceneSteps() const override { return layerCount(); }
  void showStep(int step) override;
  bool showAnimation(double u) override;
  int animationFrames() const override { return 0; }
  View2D& camera() override { return camera_; }
  const View2D& camera() const { return camera_; }
  void resetCamera() override;

  // Edits: what is trained resets training; InputError leaves the lab unchanged.
  void setData(const std::string& data, int points);
  void setTraining(const FlowTrainingSpec& spec);
  void setSettings(const FlowsSettings& s);  // every field at once (validated)
  void trainSteps(long k);
  void resetTraining();
  void play(bool on) { playing_ = on && !finished(); }
  bool playing() const { return playing_; }
  bool finished() const { return steps() >= s_.training.adam.totalSteps; }
  void saveFlow(const std::string& path) const;
  void loadFlow(const std::string& path);  // InputError: the lab unchanged

  const FlowsSettings& settings() const { return s_; }
  const Dataset& dataset() const { return *data_; }
  const std::vector<glm::dvec2>& trainingSet() const { return train_; }
  long steps() const;
  int layerCount() const;  // the flow's layers (glow: 3 a step)
  int shownLayer() const { return s_.layer < 0 ? layerCount() : s_.layer; }
  std::string layerName(int k) const;  // layer k (1-based), "affine coupling (reads y)"
  double animatedLayer() const { return animated_; }  // fractional while animating
  bool animatingLayers() const { return animating_; }
  void animateLayers(bool on);
  const std::vector<float>& nllCurve() const { return nll_; }
  const std::vector<std::pair<long, double>>& heldOutCurve() const { return heldOutCurve_; }
  std::optional<double> dataEntropyBound() const { return dataNll_; }  // the data's own NLL
  const FlowPicture* view() const { return view_ ? &*view_ : nullptr; }
  const OdeLine& odeLine() const { return odeLine_; }
  // The line, its trajectory and the solver table now, for data with a closed form (a mixture):
  // the ODE's model is the mixture, or the network of settings().odeModel (InputError naming the
  // file, or a path the network cannot reach).
  void computeOdeLine();
  bool hasClosedForm() const { return bool(data_->mixture); }
  std::string backendName() const;  // training's
  std::string drawingBackend() const;
  std::string computeBackend() const override {
    return "training: " + backendName() + "; drawing: " + drawingBackend();
  }  // what traces the picture
  // True when the data has separated modes a diffeomorphism of one Gaussian must join.
  bool separatedModes() const;
  uint64_t revision() const { return revision_; }

 private:
  void backendChanged() override;
  void rebuild(const FlowsSettings& s);
  void evaluate();
  void traceThrough(FlowPicture& v, std::vector<float>& params);
  void heatmapOf(FlowPicture& v, std::vector<float>& params);
  FlowsSettings s_;
  std::shared_ptr<const Dataset> data_;
  std::vector<glm::dvec2> train_, heldOut_;
  std::unique_ptr<FloatFlowTrainer> trainer_;
  std::unique_ptr<FlowNetwork<FastCpuMlp, float>> eval_;
  VulkanKernel<GpuFlow> gpuFlow_;  // where backend() puts the tracing on Vulkan
  std::vector<float> nll_;
  std::vector<std::pair<long, double>> heldOutCurve_;
  std::optional<double> dataNll_;
  std::optional<FlowPicture> view_;
  OdeLine odeLine_;
  long pendingSteps_ = 0;
  bool playing_ = false, animating_ = false, stale_ = true;
  double animated_ = 0.0;
  View2D camera_;
  glm::uvec2 viewport_{1280, 800};
  uint64_t revision_ = 1, serial_ = 0;
  std::chrono::steady_clock::time_point lastEval_{};
};

}  // namespace flowscope
