#pragma once
// DiffusionSimulation: one sampling run of the mixture lab on the CPU or the GPU backend.
//
// State k of an N-step run is the particle cloud at noise level sigma_k (state 0: the initial
// noise N(0, sigma_max^2 I); state N: the samples). States live in a history ring of
// `slotCount` slots (state k in slot k % slotCount) sized by a memory budget, so stepping back is
// a lookup; a state older than the ring is recomputed from the stored initial noise (the
// samplers are deterministic, so the replay is exact), never by inverting a step.
//
// On the GPU the ring is one STORAGE|VERTEX buffer: the step kernel writes a slot and the render
// layers draw from the same memory after the caller's compute -> vertex barrier.
#include <glm/glm.hpp>

#include <memory>
#include <vector>

#include "EdmSampler.h"
#include "GaussianMixture.h"
#include "KarrasSchedule.h"

namespace flowscope {

struct SamplingConfig {
  EdmSamplerKind sampler = EdmSamplerKind::Heun;
  KarrasParams schedule{};
  int particleCount = 8192;
  uint64_t seed = 1;
};

class DiffusionSimulation {
 public:
  static constexpr size_t kDefaultHistoryBudget = size_t(1) << 30;

  // gpu == nullptr selects the CPU backend.
  DiffusionSimulation(const GaussianMixture& mixture, const SamplingConfig& config,
                      const GpuContext* gpu, size_t historyBudgetBytes = kDefaultHistoryBudget);
  ~DiffusionSimulation();
  DiffusionSimulation(const DiffusionSimulation&) = delete;

  // Initial noise x = sigma_max * z with z ~ N(0, I) from Pcg32(seed): identical on both backends.
  static std::vector<glm::vec2> initialNoise(int count, uint64_t seed, double sigmaMax);

  // Unique per instance: lets views notice that the run (and its buffers) was replaced.
  uint64_t id() const { return id_; }
  const SamplingConfig& config() const { return config_; }
  const GaussianMixture& mixture() const { return mixture_; }
  int steps() const { return config_.schedule.steps; }
  int current() const { return current_; }
  int newest() const { return newest_; }
  int oldestAvailable() const { return std::max(0, newest_ - int(slotCount_) + 1); }
  double sigma(int state) const { return sigmas_.at(state); }
  const std::vector<double>& sigmas() const { return sigmas_; }
  int evaluations(int state) const { return edmEvaluations(config_.sampler, steps(), state); }
  bool onGpu() const { return gpu_ != nullptr; }

  // Makes state `target` (clamped to [0, N]) current, computing what is missing. On the GPU,
  // work is recorded into `cmd` when given (the caller submits it and must add the barrier
  // from compute writes to its readers), else submitted and waited for. Returns true if GPU
  // work was recorded.
  bool seek(int target, VkCommandBuffer cmd = VK_NULL_HANDLE);
  bool stepForward(VkCommandBuffer cmd = VK_NULL_HANDLE) { return seek(current_ + 1, cmd); }
  bool stepBack(VkCommandBuffer cmd = VK_NULL_HANDLE) { return seek(current_ - 1, cmd); }

  // The particles of an available state (oldestAvailable() <= k <= newest()); downloads on GPU.
  std::vector<glm::vec2> state(int k) const;

  // GPU resources for drawing and further kernels (null on the CPU backend).
  const GpuBuffer* historyBuffer() const { return history_.get(); }
  const GpuBuffer* mixtureBuffer() const { return mixtureBuffer_.get(); }
  uint32_t slotCount() const { return slotCount_; }
  uint32_t slotOf(int state) const { return uint32_t(state) % slotCount_; }

 private:
  void restartFromNoise(VkCommandBuffer cmd);
  void advance(VkCommandBuffer cmd);

  uint64_t id_;
  GaussianMixture mixture_;
  SamplingConfig config_;
  const GpuContext* gpu_;
  std::vector<double> sigmas_;
  uint32_t slotCount_ = 2;
  int current_ = 0;
  int newest_ = 0;
  // CPU backend
  std::vector<glm::vec2> noise_;
  std::vector<glm::vec2> cpuHistory_;
  // GPU backend
  std::unique_ptr<GpuBuffer> noiseBuffer_, history_, mixtureBuffer_;
  std::unique_ptr<EdmStepKernel> stepKernel_;
  VkDescriptorSet stepSet_ = VK_NULL_HANDLE;
};

}  // namespace flowscope
