#pragma once
// The Estimators lab: L(theta) = E_{z ~ p_theta}[f(z)] and every estimator of its gradient that
// applies (Estimators.h), side by side against the exact gradient:
//   histograms  each estimator's `repeats` estimates of dL/dtheta_k (each the mean of `samples`
//               single-sample gradients), the exact value and their mean marked
//   sweeps      variance and |bias| against the samples an estimate averages (1..256, log axes);
//               for the categorical, Gumbel-softmax's bias and variance against tau (0.05..5)
//   simplex     for K = 3, relaxed Gumbel-softmax samples y = softmax((theta + g) / tau) on the
//               triangle at tau 0.1, 0.5 and 2 (Gumbel-max: its vertices, as often as softmax says)
//   descent     theta minimising L by plain SGD with each estimator's gradient (`samples` draws a
//               step, the same seeds), and the exact L along each path; Space runs it
// Setters validate (InputError, nothing changed); update() recomputes what they made stale.
#include <glm/glm.hpp>

#include <optional>
#include <string>
#include <vector>

#include "Estimators.h"
#include "Lab.h"
#include "VulkanKernel.h"

namespace flowscope {

class GpuEstimator;

struct EstimatorsSettings {
  EstimatorDist dist = EstimatorDist::Gaussian;
  std::vector<double> gaussianTheta{0.5, 1.0};  // mu, sigma
  std::string f = "x^2";  // gaussian: x^2 | sin | cos | step | abs, or an expression in x
  std::vector<double> planeTheta{1.0, -0.5, 0.8};  // gaussian2d: mu1, mu2, sigma
  std::string f2 = "sin(x)*cos(y)";  // gaussian2d: a named function of the plane or an expression
  std::vector<double> logits{0.5, -0.5, 1.0};  // categorical theta
  std::vector<double> table{1.0, 4.0, -2.0};   // categorical f(0..K-1)
  int component = 0;                           // the theta component of the histograms and sweeps
  int samples = 4;                             // per estimate, 1..256 (reinforce-loo needs 2)
  int repeats = 2000;                          // estimates in a histogram, 100..20000
  double tau = 0.5;                            // gumbel-softmax and straight-through
  uint64_t seed = 0;
  double learningRate = 0.05;  // the descent's SGD step
  int steps = 200;             // the descent's target, 1..10000
  bool operator==(const EstimatorsSettings&) const = default;
};
void validate(const EstimatorsSettings& s);               // InputError naming the field
EstimatorProblem problemOf(const EstimatorsSettings& s);  // validated

struct EstimatorRow {
  EstimatorKind kind;
  std::vector<double> estimates;                         // component k of each estimate
  EstimatorStats stats;                                  // over every component
  std::vector<double> varianceBySamples, biasBySamples;  // |bias|, at kSweepSamples
};
struct TauSweep {  // gumbel-softmax, component k, at kSweepTaus
  std::vector<double> bias, variance;
};
struct DescentPath {
  EstimatorKind kind;
  std::vector<std::vector<double>> theta;  // theta_0 .. theta_t
  std::vector<double> loss;                // exact L(theta_t)
  // The step whose update was not finite (REINFORCE's variance as sigma falls): the path stops
  // there, its last theta repeated; -1 while it runs.
  long divergedAt = -1;
};

class EstimatorsLab : public Lab {
 public:
  static const std::vector<int> kSweepSamples;    // 1, 2, 4, ..., 256
  static const std::vector<double> kSweepTaus;    // 0.05 .. 5, log-spaced
  static const std::vector<double> kSimplexTaus;  // 0.1, 0.5, 2
  static constexpr int kSweepRepeats = 400, kSimplexPoints = 300;

  explicit EstimatorsLab(EstimatorsSettings s = {});
  ~EstimatorsLab() override;
  const EstimatorsSettings& settings() const { return s_; }
  void setSettings(const EstimatorsSettings& s);  // validates; what it changes is recomputed
  // Descent playback: Space plays, Right takes one step, R starts over.
  bool playing() const { return playing_; }
  void resetDescent();
  void descend(int steps);

  const LabInfo& info() const override;
  // Where the Vulkan device is a GPU, the estimates of named functions come from the estimators'
  // kernel (float32, the same noise); on a CPU device (lavapipe) and for typed f, from the CPU
  // (double, all cores), which is faster there.
  void useGpu(const GpuContext* gpu) override;
  std::string backendName() const;
  std::string computeBackend() const override { return "estimates: " + backendName(); }
  nlohmann::json sceneJson() const override;
  void openScene(const nlohmann::json& scene, const std::string& source) override;
  nlohmann::json editState() const override;
  std::string status() const override;
  void addStats(nlohmann::json& stats) const override;
  bool togglePlay() override;
  bool stepPlayback(int delta) override;
  bool resetPlayback() override;
  void tick(double seconds) override;
  void update() override;
  void settle(const std::function<void(int, int)>& progress) override;
  // render --step k: the descent after k steps.
  int sceneSteps() const override { return s_.steps; }
  void showStep(int step) override;
  View2D& camera() override { return camera_; }
  void resetCamera() override { camera_ = View2D{}; }

  const EstimatorProblem& problem() const { return problem_; }
  double objectiveValue() const { return objective_; }
  const std::vector<double>& exact() const { return exact_; }
  const std::vector<EstimatorRow>& rows() const { return rows_; }
  // The distribution's estimators that cannot run at these settings, with why
  // ("reinforce-loo: samples: at least 2 ...").
  const std::vector<std::string>& skipped() const { return skipped_; }
  const std::optional<TauSweep>& tauSweep() const { return tauSweep_; }
  // K = 3: the relaxed samples at each kSimplexTaus; the Gumbel-max frequencies of every class
  // (categorical) over `repeats` draws, against softmax(theta).
  const std::vector<std::vector<std::vector<double>>>& simplex() const { return simplex_; }
  const std::vector<double>& gumbelFrequencies() const { return gumbelFrequencies_; }
  const std::vector<double>& probabilities() const { return probabilities_; }
  const std::vector<DescentPath>& descent() const { return descent_; }
  long descentSteps() const { return descent_.empty() ? 0 : long(descent_[0].loss.size()) - 1; }
  uint64_t revision() const { return revision_; }

 private:
  void backendChanged() override;
  void recompute();
  // spec.repeats estimates (each theta.size() values), by the kernel or the CPU.
  std::vector<std::vector<double>> estimatesOf(const EstimatorSpec& spec) const;
  EstimatorSpec specFor(EstimatorKind k, int samples) const;

  EstimatorsSettings s_;
  EstimatorProblem problem_;
  View2D camera_;
  bool stale_ = true, playing_ = false;
  double playClock_ = 0.0;
  uint64_t revision_ = 1;
  double objective_ = 0.0;
  std::vector<double> exact_;
  std::vector<EstimatorRow> rows_;
  std::vector<std::string> skipped_;
  std::optional<TauSweep> tauSweep_;
  std::vector<std::vector<std::vector<double>>> simplex_;
  std::vector<double> gumbelFrequencies_, probabilities_;
  std::vector<DescentPath> descent_;
  VulkanKernel<GpuEstimator> gpu_;  // where backend() puts the estimates on Vulkan
};

const LabInfo& describeEstimatorsLab();
std::unique_ptr<Lab> makeEstimatorsLab();

// Scene files (EstimatorsScene.cpp): {"flowscope_scene": 1, "lab": "gradient-estimators",
// "estimators": {...settings, "descent_steps"}, "camera"}.
struct EstimatorsScene {
  EstimatorsSettings settings;
  long descentSteps = 0;
};
EstimatorsScene estimatorsSceneFromJson(const nlohmann::json& j, const std::string& source);
nlohmann::json estimatorsSceneToJson(const EstimatorsScene& scene, const View2D& camera);

}  // namespace flowscope
