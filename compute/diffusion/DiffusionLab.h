#pragma once
// DiffusionLab: the Gaussian-mixture diffusion lab's state as the GUI drives it: the scene (the
// single owner of parameters, data and camera), playback, and the simulation derived from them.
// No Qt: views (ImGui panel, Qt menus) read it and write through its setters.
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

#include "DiffusionScene.h"
#include "DiffusionSimulation.h"
#include "Lab.h"
#include "Playback.h"

namespace flowscope {

class DiffusionLab : public Lab {
 public:
  explicit DiffusionLab(DiffusionScene scene = defaultDiffusionScene());

  // The Lab interface: scene files (DiffusionScene.h), status and stats, playback (Space, Right,
  // Left, R), the camera, and the Transport lab's coupling as a request (receive()).
  const LabInfo& info() const override;
  nlohmann::json sceneJson() const override;
  // Without the playback's step and play state (they move while playing).
  nlohmann::json editState() const override {
    nlohmann::json j = Lab::editState();
    j.erase("step");
    j.erase("playing");
    return j;
  }
  void openScene(const nlohmann::json& scene, const std::string& source) override;
  // Another device (or none) drops the runs made on the last one.
  void useGpu(const GpuContext* gpu) override {
    if (gpu != gpu_) releaseSimulation();
    gpu_ = gpu;
  }
  // Vulkan's sampler kernels on any device (on lavapipe too: measured twice as fast as the CPU
  // twin for the analytic models, and the particles are drawn from their buffers), except a
  // learned network where the device is a CPU; Cpu: every step on the CPU twin.
  std::string computeBackend() const override;
  const GpuContext* gpu() const { return gpu_; }
  // The run (and the split view's comparison) advanced to the shown step, `progress` reported.
  void settle(const std::function<void(int, int)>& progress) override;
  std::string status() const override;
  void addStats(nlohmann::json& stats) const override;
  bool togglePlay() override;
  bool stepPlayback(int delta) override;
  bool resetPlayback() override;
  int sceneSteps() const override { return scene_.params.schedule().steps; }
  void showStep(int step) override;
  // The run, every step: step round(u N) of N.
  bool showAnimation(double u) override {
    showStep(int(std::lround(std::clamp(u, 0.0, 1.0) * sceneSteps())));
    return true;
  }
  int animationFrames() const override { return sceneSteps() + 1; }
  // {"flow_coupling": {"kind": "independent|exact|sinkhorn", "pairs": K, "epsilon": eps},
  //  optional "data_preset": NAME}: that coupling on a flow sampler (flow-euler unless one is
  // chosen), on the preset's data when given. Validated first; InputError changes nothing.
  void receive(const nlohmann::json& content) override;

  DiffusionParams& params() { return scene_.params; }
  const DiffusionParams& params() const { return scene_.params; }
  View2D& camera() override { return scene_.camera; }
  const View2D& camera() const { return scene_.camera; }
  const DataSource& dataSource() const { return scene_.data; }
  // The model the samplers use: the exact one (empty) or a learned one's weights file
  // (InputError naming the file; the lab unchanged).
  void setLearnedModel(const std::string& path);
  const std::string& learnedModel() const { return scene_.learned; }
  const Dataset& dataset() const { return *scene_.dataset; }
  // The data as a run with `sampler` sees it: with the flow coupling's model attached for flow
  // samplers when one is chosen (built once per data, coupling and seed; throws InputError when
  // the coupling cannot be built), then guided toward the chosen class (Guidance.h; InputError
  // when the data has no such class, and the guidance is switched off).
  std::shared_ptr<const Dataset> runData(SamplerKind sampler);
  // Sets the flow coupling, building it first when the current sampler is a flow sampler, so a
  // coupling that cannot be built (InputError) leaves everything unchanged.
  void setFlowCoupling(const FlowCouplingParams& c);
  // Sets the guidance, first building the guided model of the current data (InputError: a class
  // the data lacks; nothing changed).
  void setGuidance(const GuidanceSpec& g);
  std::shared_ptr<const Dataset> datasetPtr() const { return scene_.dataset; }
  Playback& playback() { return playback_; }
  const Playback& playback() const { return playback_; }

  // Replaces the data (loading what `source` names); the run restarts. On InputError nothing
  // changes, also when the current parameters could not run on it (DiffusionSimulation::check).
  void setData(const DataSource& source);
  // Replaces everything (File > Open scene); the run restarts at the scene's step. Throws
  // InputError, changing nothing, when the scene's flow coupling cannot be built.
  void replaceScene(DiffusionScene scene);
  // The scene as it is now, with the shown step and play state: what File > Save writes.
  DiffusionScene snapshot() const;
  void resetCamera() override { scene_.camera = View2D{}; }

  // The run matching the current parameters, created on first use and re-created after any
  // sampling change. A replaced run goes to `retire` (the GUI keeps it until the frames in flight
  // that read its buffers are done; empty: destroyed at once). When the parameters cannot run
  // (DiffusionSimulation::check: say a work budget), they go back to those of the run shown and
  // the InputError propagates: the lab keeps its state.
  using Retire = std::function<void(std::unique_ptr<DiffusionSimulation>)>;
  DiffusionSimulation& simulation(const GpuContext* gpu, const Retire& retire = {});
  const DiffusionSimulation* currentSimulation() const { return simulation_.get(); }
  // Drops the run (its GPU buffers) before the device goes away; the next call re-creates it.
  void releaseSimulation() {
    simulation_.reset();
    compare_.reset();
  }

  // The comparison run of the split view (same data, seed, noise and step count; the compare
  // sampler on the primary's schedule when it fits, else on its own customary one), or null.
  DiffusionSimulation* compareSimulation(const GpuContext* gpu, const Retire& retire = {});
  const DiffusionSimulation* currentCompare() const { return compare_.get(); }

  // Picked particles (Ctrl+click): their full paths, recomputed by the CPU twin up to the shown
  // state. At most kMaxPicked; picking again replaces the oldest.
  static constexpr size_t kMaxPicked = 16;
  void pick(uint32_t particle);
  void clearPicked() { picked_.clear(); }
  const std::vector<uint32_t>& picked() const { return picked_; }
  const std::vector<std::vector<glm::dvec2>>& pickedPaths();

  // Painting points with the mouse; applied as the data with usePainted().
  bool painting() const { return painting_; }
  void setPainting(bool on) { painting_ = on; }
  void paint(glm::dvec2 world) { painted_.push_back(world); }
  const std::vector<glm::dvec2>& painted() const { return painted_; }
  void clearPainted() { painted_.clear(); }
  void usePainted();  // throws InputError when nothing was painted

  void tick(double seconds) override {
    playback_.tick(seconds, scene_.params.playbackStepsPerSecond(), scene_.params.schedule().steps,
                   scene_.params.loop());
  }

 private:
  void backendChanged() override { releaseSimulation(); }
  const GpuContext* gpu_ = nullptr;
  DiffusionScene scene_;
  Playback playback_;
  uint64_t dataRevision_ = 0;
  std::unique_ptr<DiffusionSimulation> simulation_, compare_;
  uint64_t compareBuiltFor_ = 0;
  SamplerKind compareBuiltKind_ = SamplerKind::Ddpm;
  std::vector<uint32_t> picked_;
  std::vector<std::vector<glm::dvec2>> pickedPaths_;
  uint64_t pickedFor_ = 0;
  int pickedState_ = -1;
  size_t pickedCount_ = 0;
  bool painting_ = false;
  std::vector<glm::dvec2> painted_;
  uint64_t builtSampling_ = ~0ull, builtData_ = ~0ull;
  DiffusionParams builtParams_;  // those of the run shown
  // The data with a coupling attached, for the data revision, seed and coupling in the key; a
  // different key builds anew (InputError when it cannot be built; the cache is then unchanged).
  std::shared_ptr<const Dataset> coupledData(SamplerKind sampler);
  std::shared_ptr<const Dataset> guided(const std::shared_ptr<const Dataset>& data);
  struct CouplingKey {
    uint64_t data = ~0ull, seed = 0;
    FlowCouplingParams params{};
    bool operator==(const CouplingKey&) const = default;
  };
  std::shared_ptr<const Dataset> coupled(const std::shared_ptr<const Dataset>& data,
                                         const CouplingKey& key);
  std::shared_ptr<const Dataset> coupled_;
  CouplingKey coupledKey_;
};

}  // namespace flowscope
