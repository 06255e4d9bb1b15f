#pragma once
// DiffusionSimulation: one sampling run of the Diffusion & Flow lab on the CPU or the GPU backend.
//
// State k of an N-step run is the particle cloud at noise level k of the schedule (state 0: the
// initial noise tau_0 z; state N: the samples). A state is a vec4 per particle: position and one
// auxiliary vector (dpmpp-2m's previous denoised, so a replay restores multistep history too).
// States live in a history ring of `slotCount` slots (state k in slot k % slotCount) sized by a
// memory budget, so stepping back is a lookup; a state older than the ring is recomputed from the
// stored initial noise (noise is counter-based, so the replay is exact also for stochastic
// samplers), never by inverting a step.
//
// On the GPU the ring is one STORAGE|VERTEX buffer: the sampler kernel writes a slot and the
// render layers draw from the same memory after the caller's compute -> vertex barrier.
#include <glm/glm.hpp>

#include <functional>
#include <memory>
#include <vector>

#include "Dataset.h"
#include "GpuModel.h"
#include "SamplerKernel.h"
#include "Samplers.h"

namespace flowscope {

struct SamplingConfig {
  SamplerParams sampler{};
  ScheduleParams schedule{};
  int particleCount = 8192;
  uint64_t seed = 1;
  // With a GPU: the sampler steps run on the CPU twin and each new state is uploaded into the
  // history the render layers draw from (for a learned model on a CPU Vulkan device, where the
  // twin is far faster: ARCHITECTURE.md, Backends). Results are the CPU backend's.
  bool stepsOnCpu = false;
};

// The split view's comparison run: the same data, seed, noise and step count, with `sampler` on
// the primary's schedule when it fits, else on the sampler's customary schedule.
SamplingConfig compareConfig(const SamplingConfig& primary, SamplerKind sampler);

class DiffusionSimulation {
 public:
  static constexpr size_t kDefaultHistoryBudget = size_t(1) << 30;
  // Particles x model terms x evaluations of one run at most: ~30 min on a CPU-only Vulkan device
  // (lavapipe), seconds on a GPU.
  static constexpr double kMaxWork = 1e12;

  // Throws InputError naming the field when a run of `config` on `data` cannot be made: invalid
  // or incompatible sampler and schedule, more than kMaxWork, or a cloud too large for the
  // device. The constructor calls it; labs call it before they change anything.
  static void check(const Dataset& data, const SamplingConfig& config, const GpuContext* gpu,
                    size_t historyBudgetBytes = kDefaultHistoryBudget);
  // gpu == nullptr selects the CPU backend. Throws what check() throws.
  DiffusionSimulation(std::shared_ptr<const Dataset> data, const SamplingConfig& config,
                      const GpuContext* gpu, size_t historyBudgetBytes = kDefaultHistoryBudget);
  ~DiffusionSimulation();
  DiffusionSimulation(const DiffusionSimulation&) = delete;

  // Initial noise x = tau_0 z with z ~ N(0, I) from Pcg32(seed): identical on both backends.
  static std::vector<ParticleState> initialNoise(int count, uint64_t seed, double tau0);

  uint64_t id() const { return id_; }  // unique per instance: views notice a replaced run
  const SamplingConfig& config() const { return config_; }
  const Dataset& data() const { return *data_; }
  std::shared_ptr<const Dataset> dataPtr() const { return data_; }
  int steps() const { return int(levels_.size()) - 1; }
  int current() const { return current_; }
  int newest() const { return newest_; }
  int oldestAvailable() const { return std::max(0, newest_ - int(slotCount_) + 1); }
  const NoiseLevel& level(int state) const { return levels_.at(state); }
  const std::vector<NoiseLevel>& levels() const { return levels_; }
  double sigma(int state) const { return levels_.at(state).sigma(); }
  int evaluations(int state) const {
    return evaluations_.at(state);
  }  // model evaluations to reach it
  bool onGpu() const { return gpu_ != nullptr; }
  bool stepsOnCpu() const { return !gpu_ || config_.stepsOnCpu; }

  // Makes state `target` (clamped to [0, N]) current, computing what is missing. On the GPU,
  // work is recorded into `cmd` when given (the caller submits it and adds the barrier from
  // compute and transfer writes to its readers), else submitted and waited for. Returns true if
  // GPU work was recorded.
  bool seek(int target, VkCommandBuffer cmd = VK_NULL_HANDLE);
  bool stepForward(VkCommandBuffer cmd = VK_NULL_HANDLE) { return seek(current_ + 1, cmd); }
  bool stepBack(VkCommandBuffer cmd = VK_NULL_HANDLE) { return seek(current_ - 1, cmd); }

  // The particles of an available state (oldestAvailable() <= k <= newest()); downloads on GPU.
  // `count`: only the first `count` particles (one smaller download).
  std::vector<ParticleState> state(int k, size_t count = SIZE_MAX) const;
  std::vector<glm::vec2> positions(int k, size_t count = SIZE_MAX) const;

  // Paths of the first trackedCount() particles through states 0 .. newest(): every advance
  // copies their states aside, so metrics see exactly what was drawn. Downloads on the GPU.
  static constexpr uint32_t kTracked = 256;
  uint32_t trackedCount() const {
    return std::min<uint32_t>(kTracked, uint32_t(config_.particleCount));
  }
  std::vector<std::vector<glm::dvec2>> trackedPaths() const;
  // One particle's path through states 0 .. upTo, recomputed by the CPU twin with that
  // particle's own noise (for picked particles; float rounding aside, what the GPU computed).
  std::vector<glm::dvec2> particlePath(uint32_t particle, int upTo) const;

  // GPU resources for drawing and further kernels (null on the CPU backend).
  const GpuBuffer* historyBuffer() const { return history_.get(); }
  const GpuBuffer* trackBuffer() const { return track_.get(); }  // [state][tracked particle] vec4
  const GpuModelData* gpuModel() const { return gpuModel_.get(); }
  uint32_t slotCount() const { return slotCount_; }
  uint32_t slotOf(int state) const { return uint32_t(state) % slotCount_; }

 private:
  void restartFromNoise(VkCommandBuffer cmd);
  void advance(VkCommandBuffer cmd);
  void track(VkCommandBuffer cmd, int state);
  void uploadState(VkCommandBuffer cmd, int state);  // stepsOnCpu: a CPU state into the history

  uint64_t id_;
  std::shared_ptr<const Dataset> data_;
  SamplingConfig config_;
  const GpuContext* gpu_;
  std::vector<NoiseLevel> levels_;
  std::vector<int> evaluations_;
  uint32_t noiseSeed_;
  uint32_t slotCount_ = 2;
  int current_ = 0;
  int newest_ = 0;
  // CPU backend (and stepsOnCpu)
  std::vector<ParticleState> noise_;
  std::vector<ParticleState> cpuHistory_;
  std::vector<ParticleState> cpuTrack_;  // [state][tracked particle]
  // GPU backend
  std::unique_ptr<GpuBuffer> noiseBuffer_, history_, track_;
  std::unique_ptr<GpuModelData> gpuModel_;
  std::unique_ptr<SamplerKernel> kernel_;
  VkDescriptorSet set_ = VK_NULL_HANDLE;
};

// seek(target) a few states at a time (one submission each on the GPU), calling
// progress(state, target) after each chunk: for runs long enough to report on.
void seekReporting(DiffusionSimulation& sim, int target,
                   const std::function<void(int, int)>& progress);
// Throws NumericalError when a particle of state k is not finite, naming the first step that
// produced one (found by replaying the run): "sampling: step 7 of 18 (euler, sigma 3.1 -> 1.9)
// made 12 of 1000 particle positions non-finite (first: particle 40)".
void requireFinitePositions(DiffusionSimulation& sim, int k);

}  // namespace flowscope
