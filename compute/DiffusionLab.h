#pragma once
// DiffusionLab: the Gaussian-mixture diffusion lab's state as the GUI drives it: the scene (the
// single owner of parameters, data and camera), playback, and the simulation derived from them.
// No Qt: views (ImGui panel, Qt menus) read it and write through its setters.
#include <functional>
#include <memory>

#include "DiffusionSimulation.h"
#include "Playback.h"
#include "Scene.h"

namespace flowscope {

class DiffusionLab {
 public:
  explicit DiffusionLab(Scene scene);

  DiffusionParams& params() { return scene_.params; }
  const DiffusionParams& params() const { return scene_.params; }
  View2D& camera() { return scene_.camera; }
  const View2D& camera() const { return scene_.camera; }
  const DataSource& dataSource() const { return scene_.data; }
  const Dataset& dataset() const { return *scene_.dataset; }
  Playback& playback() { return playback_; }
  const Playback& playback() const { return playback_; }

  // Replaces the data (loading what `source` names); the run restarts. On InputError nothing
  // changes.
  void setData(const DataSource& source);
  // Replaces everything (File > Open scene); the run restarts at the scene's step.
  void replaceScene(Scene scene);
  // The scene as it is now, with the shown step and play state: what File > Save writes.
  Scene snapshot() const;
  void resetCamera() { scene_.camera = View2D{}; }

  // The run matching the current parameters, created on first use and re-created after any
  // sampling change. `beforeReplace` runs first when an old run is replaced (the GUI waits for
  // the device to be idle there, because in-flight frames still read the old buffers).
  DiffusionSimulation& simulation(const GpuContext* gpu,
                                  const std::function<void()>& beforeReplace);
  const DiffusionSimulation* currentSimulation() const { return simulation_.get(); }
  // Drops the run (its GPU buffers) before the device goes away; the next call re-creates it.
  void releaseSimulation() { simulation_.reset(); }

  void tick(double seconds) {
    playback_.tick(seconds, scene_.params.playbackStepsPerSecond(), scene_.params.schedule().steps,
                   scene_.params.loop());
  }

 private:
  Scene scene_;
  Playback playback_;
  uint64_t dataRevision_ = 0;
  std::unique_ptr<DiffusionSimulation> simulation_;
  uint64_t builtSampling_ = ~0ull, builtData_ = ~0ull;
};

}  // namespace flowscope
