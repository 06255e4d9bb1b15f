#pragma once
// The Transport lab's state: two weighted point clouds, the solver's settings, the solution and
// what is drawn from it, and the flow-matching coupling view. Setters validate (InputError, the
// state unchanged); update() re-solves what the last edits made stale.
//
// Conventions (named in the panel and README): cost sqeuclidean |x - y|^2 (W2^2) or euclidean
// |x - y| (W1); eps is POT's `reg` in <P, C> + eps sum P log P (GeomLoss blur = sqrt(eps) for
// sqeuclidean); cost = <P, C>; W = cost^(1/p); marginal error = |P1 - a|_1 + |P^T 1 - b|_1.
// Potentials are extended to the plane by the c-transform: exact f(x) = min_j C(x, y_j) - g_j,
// Sinkhorn f(x) = -eps log sum_j b_j exp((g_j - C(x, y_j))/eps) (likewise g from f).
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "BackgroundJob.h"
#include "Couplings.h"
#include "CriticDemo.h"
#include "Lab.h"
#include "ScalarGrid.h"
#include "TransportSolve.h"
#include "View2D.h"

namespace flowscope {

// plan: OT between the clouds; coupling: flow matching's couplings; critic: a learned
// Kantorovich-Rubinstein critic beside the exact W1 potential; gan: a 2-D GAN on the target cloud.
enum class TransportMode { Plan, Coupling, Critic, Gan };
enum class PotentialShown { None, Source, Target };  // f on the source side, g on the target's
std::string otMethodName(OtMethod m);
OtMethod parseOtMethod(const std::string& name);  // "exact" | "sinkhorn"; throws InputError
// Names in files: "plan" | "coupling" | "critic" | "gan", "none" | "source" | "target"; the parsers
// throw InputError
// listing the names.
std::string modeName(TransportMode m);
TransportMode parseMode(const std::string& name);
std::string potentialName(PotentialShown p);
PotentialShown parsePotential(const std::string& name);

// One side's points: "gaussian" (standard normal draws), a dataset preset (Dataset.h), or a CSV
// file (header x,y) with an optional weights CSV (header w). count applies to gaussian and
// presets; points are scaled by `scale`, then shifted by `offset`.
struct MeasureSpec {
  std::string name = "gaussian";
  std::string weightsPath;
  int count = 300;
  double scale = 1.0;  // kMinScale .. kMaxScale
  glm::dvec2 offset{0.0};
};
inline constexpr double kMinScale = 1e-3, kMaxScale = 1e3;
// The default scene: 250 Gaussian points on the left, 250 moons on the right.
MeasureSpec defaultSource();
MeasureSpec defaultTarget();
Measure loadMeasure(const MeasureSpec& spec, uint64_t seed);  // throws InputError

// The plan matrix binned for display: rows (source) sorted along the source's principal axis,
// columns (target) by the plan-weighted mean rank of their rows; values are bin masses / max.
struct PlanMatrix {
  uint32_t rows = 0, cols = 0;
  std::vector<float> values;  // row-major, rows x cols
};

struct TransportSettings {
  MeasureSpec source = defaultSource(), target = defaultTarget();
  OtMethod method = OtMethod::Sinkhorn;
  CostKind cost = CostKind::SqEuclidean;
  double epsilon = 0.01;  // the default scene's: a crisp plan (the drag benchmark uses 0.05)
  bool annealing = true;
  double tolerance = 1e-4;
  int maxIterations = 5000;
  uint64_t seed = 1;
  TransportMode mode = TransportMode::Plan;
  // Display.
  bool showPlan = true, showMatrix = true, showInterpolation = false, animate = false;
  PotentialShown potential = PotentialShown::None;
  double t = 0.5;  // displacement interpolation time
  bool stepThrough = false;
  // Couplings.
  CouplingKind coupling = CouplingKind::Exact;
  double couplingEpsilon = 0.05;
  int couplingCount = 256;
  // Critic and GAN modes.
  CriticSettings critic;
  GanSettings gan;
};

// Throws InputError naming the first bad field as the setters do ("epsilon: ...", "source count:
// ...").
void validate(const TransportSettings& s);

struct TransportScene;

class TransportLab : public Lab {
 public:
  static constexpr int kMaxPoints = 2000;
  static constexpr size_t kMaxDrawnEntries = 3000;
  static constexpr size_t kMaxHistory = 4000;

  explicit TransportLab(TransportSettings settings = {});
  const TransportSettings& settings() const { return s_; }
  View2D& camera() override { return camera_; }
  // Remembered for resetCamera, which fits the content to this area.
  void setViewport(uint32_t width, uint32_t height) override { viewport_ = {width, height}; }
  const View2D& camera() const { return camera_; }
  void resetCamera() override;

  // The Lab interface: scene files (TransportScene.h), status and stats, and playback: Space
  // animates t, Left / Right step through Sinkhorn's iterations, R returns to the first.
  const LabInfo& info() const override;
  nlohmann::json sceneJson() const override;
  // Without t while it animates (it moves by itself).
  nlohmann::json editState() const override {
    nlohmann::json j = Lab::editState();
    if (s_.animate && j.contains("transport")) j["transport"].erase("t");
    return j;
  }
  void openScene(const nlohmann::json& scene, const std::string& source) override;
  std::string status() const override;
  void addStats(nlohmann::json& stats) const override;
  bool togglePlay() override;
  bool stepPlayback(int delta) override;
  bool resetPlayback() override;
  // Solves run on a worker thread when on (the GUI): a drag or a slider never waits for one.
  // A changed setting stops a solve in flight; a moved point lets it finish.
  void setBackgroundWork(bool on) override { background_ = on; }
  std::optional<LabProgress> progress() const override;
  void settle(const std::function<void(int, int)>& progress) override;  // waits for the solve

  // Validating setters (InputError; the lab is unchanged when they throw).
  void setSource(const MeasureSpec& spec) { setMeasure(false, spec); }
  void setTarget(const MeasureSpec& spec) { setMeasure(true, spec); }
  void setMethod(OtMethod m);
  void setCost(CostKind c);
  void setEpsilon(double eps);
  void setAnnealing(bool on);
  void setTolerance(double tol);
  void setMaxIterations(int n);
  void setSeed(uint64_t seed);
  void setMode(TransportMode m);
  void setPotential(PotentialShown p) { s_.potential = p; }
  void setShowPlan(bool on) { s_.showPlan = on; }
  void setShowMatrix(bool on) { s_.showMatrix = on; }
  void setShowInterpolation(bool on) { s_.showInterpolation = on; }
  void setAnimate(bool on) { s_.animate = on; }
  void setT(double t);
  // Plan mode: McCann's displacement interpolation from the source (t = 0) to the target
  // (t = 1), t = u. Coupling mode: the flow paths in the sampling direction, from the noise
  // (t = 1) to the data (t = 0), t = 1 - u.
  bool showAnimation(double u) override {
    setShowInterpolation(true);
    u = std::clamp(u, 0.0, 1.0);
    setT(s_.mode == TransportMode::Coupling ? 1.0 - u : u);
    return true;
  }
  void setStepThrough(bool on);
  void setStep(int k);  // step-through: show iteration k (1-based), clamped to the history
  void stepBy(int delta) { setStep(step_ + delta); }
  void setCoupling(CouplingKind k) { s_.coupling = k; }
  void setCritic(const CriticSettings& c);  // validates; training restarts
  void setGan(const GanSettings& g);        // validates; training restarts
  // Critic and GAN modes: the models, the exact potential, the fields (CriticDemo.h).
  const CriticDemo& demo() const { return demo_; }
  CriticField criticField(const View2D& view, int width, int height, int cellPixels) const {
    return demo_.field(s_.mode == TransportMode::Gan, view, width, height, cellPixels);
  }
  void useGpu(const GpuContext* gpu) override { demo_.useGpu(gpu, backend()); }
  std::string computeBackend() const override;
  void setCouplingEpsilon(double eps);
  void setCouplingCount(int n);

  // Mouse edits: the nearest point within `radius` (source first), moving it, adding one.
  struct PointRef {
    bool target;
    size_t index;
  };
  std::optional<PointRef> pointAt(glm::dvec2 world, double radius) const;
  void movePoint(PointRef p, glm::dvec2 world);
  void addPoint(bool target, glm::dvec2 world);

  // Scene files (TransportScene.h): settings, the measures as shown, the camera.
  TransportScene snapshot() const;
  // Replaces everything (File > Open scene); validates first, unchanged on InputError.
  void replaceScene(const TransportScene& scene);

  void tick(double seconds) override;  // animates t when `animate`
  // Re-solves when stale: cold after a change of measures or method, warm after a drag.
  void update() override;

  const Measure& source() const { return a_; }
  const Measure& target() const { return b_; }
  const TransportSolution& solution() const { return solution_; }
  uint64_t revision() const { return revision_; }  // bumped by every change of what is shown
  const std::vector<SinkhornRecord>& history() const { return history_; }
  int step() const { return step_; }
  // What is shown: the solution, or the step-through's iteration.
  const std::vector<double>& shownF() const;
  const std::vector<double>& shownG() const;
  double shownEpsilon() const;
  // Plan entries to draw, largest first: every non-zero entry of an exact plan; of a Sinkhorn plan
  // those >= 1e-2 of the largest, at most kMaxDrawnEntries. massDrawn: their total mass.
  const std::vector<PlanEntry>& drawnEntries() const { return entries_; }
  double massDrawn() const { return massDrawn_; }
  const PlanMatrix& planMatrix() const { return matrix_; }
  // The shown potential on a grid of nodes spaced `cellPixels` over a width x height view.
  ScalarGrid potentialGrid(const View2D& view, int width, int height, int cellPixels) const;
  // Displacement interpolation at t: one point per drawn entry, (1 - t) x_i + t y_j.
  std::vector<glm::dvec2> interpolated(double t) const;

  // Coupling view.
  const std::vector<glm::dvec2>& couplingNoise() const { return noise_; }
  const std::vector<glm::dvec2>& couplingData() const { return data_; }
  const std::vector<Coupling>& couplings() const { return couplings_; }  // by CouplingKind
  const Coupling& shownCoupling() const { return couplings_.at(size_t(s_.coupling)); }

 private:
  void backendChanged() override { demo_.setBackend(backend()); }
  // What the next update() must do: nothing, continue from the current potentials, or start over.
  enum class Solve { None, Warm, Cold };
  // A request from a changed setting makes the solve in flight obsolete (it is stopped); a point
  // moved does not (the solve in flight finishes and the next starts warm from it).
  void request(Solve s, bool obsoletes = true) {
    pending_ = std::max(pending_, s);
    obsolete_ = obsolete_ || obsoletes;
  }
  void setMeasure(bool target, const MeasureSpec& spec);
  void reloadMeasures(const Measure& a, const Measure& b);
  void refreshShown();
  // The solve's life: started from what is pending (in place, or on the worker), and its outcome
  // taken when done. The Sinkhorn state travels with the job; point moves made meanwhile wait
  // in queuedMoves_ and apply when it comes back, unless the state was dropped (a new problem).
  void startSolve();
  void collectSolve();
  void adopt(SolveOutcome&& out);
  void dropSolver();
  void recomputeCouplings();
  bool learnedMode() const {
    return s_.mode == TransportMode::Critic || s_.mode == TransportMode::Gan;
  }
  void syncDemo();  // the critic or GAN started from the current settings and clouds

  TransportSettings s_;
  View2D camera_;
  glm::uvec2 viewport_{1280, 800};  // the area the camera maps (setViewport)
  Measure a_, b_;
  std::vector<double> rawA_, rawB_;       // unnormalised weights (added points get the mean weight)
  std::unique_ptr<DenseSinkhorn> dense_;  // null while a job holds it
  struct QueuedMove {
    bool target;
    size_t index;
    glm::dvec2 at;
  };
  std::vector<QueuedMove> queuedMoves_;
  uint64_t solverGeneration_ = 0;                // bumped by dropSolver
  uint64_t jobGeneration_ = 0;                   // the generation the job in flight started from
  OtMethod runningMethod_ = OtMethod::Sinkhorn;  // what the job in flight solves, for progress()
  SinkhornOptions runningOptions_;
  bool background_ = false;
  bool obsolete_ = false;  // the solve in flight answers settings that have changed since
  ExactResult exact_;
  TransportSolution solution_;
  std::vector<SinkhornRecord> history_;
  int step_ = 0;
  Solve pending_ = Solve::Cold;
  bool couplingsStale_ = true;
  uint64_t revision_ = 1;
  double tDirection_ = 1.0;  // the t animation's direction
  std::vector<PlanEntry> entries_;
  double massDrawn_ = 0.0;
  PlanMatrix matrix_;
  std::vector<glm::dvec2> noise_, data_;
  std::vector<Coupling> couplings_;
  CriticDemo demo_;
  std::chrono::steady_clock::time_point shownAt_;  // when the critic's picture last followed
  BackgroundJob<SolveOutcome> job_;                // declared last: stopped and joined first
};

}  // namespace flowscope
