#include "DiffusionLab.h"

namespace flowscope {

DiffusionLab::DiffusionLab(Scene scene) {
  replaceScene(std::move(scene));
}

void DiffusionLab::setData(const DataSource& source) {
  auto loaded = resolve(source);
  scene_.data = source;
  scene_.dataset = std::move(loaded);
  ++dataRevision_;
}

void DiffusionLab::replaceScene(Scene scene) {
  scene_ = std::move(scene);
  ++dataRevision_;  // forces a new run even if the parameters' revision happens to match
  playback_.scrub(scene_.step, scene_.params.schedule().steps);
  if (scene_.playing) playback_.play();
}

Scene DiffusionLab::snapshot() const {
  Scene s = scene_;
  s.step = playback_.target();
  s.playing = playback_.playing();
  return s;
}

DiffusionSimulation& DiffusionLab::simulation(const GpuContext* gpu,
                                              const std::function<void()>& beforeReplace) {
  const DiffusionParams& p = scene_.params;
  if (!simulation_ || builtSampling_ != p.samplingRevision() || builtData_ != dataRevision_) {
    if (simulation_ && beforeReplace) beforeReplace();
    simulation_.reset();
    SamplingConfig config{p.sampler(), p.schedule(), p.particleCount(), p.seed()};
    simulation_ = std::make_unique<DiffusionSimulation>(scene_.dataset, config, gpu);
    builtSampling_ = p.samplingRevision();
    builtData_ = dataRevision_;
    playback_.clamp(p.schedule().steps);
  }
  return *simulation_;
}

}  // namespace flowscope
