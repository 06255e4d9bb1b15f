#include "DiffusionSimulation.h"

#include <algorithm>
#include <atomic>

#include "InputError.h"
#include "Rng.h"

namespace flowscope {
namespace {
uint64_t nextId() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}
}  // namespace

std::vector<glm::vec2> DiffusionSimulation::initialNoise(int count, uint64_t seed,
                                                         double sigmaMax) {
  Pcg32 rng(seed);
  std::vector<glm::vec2> out(count);
  for (auto& p : out) {
    double x = rng.normal(), y = rng.normal();
    p = glm::vec2(float(sigmaMax * x), float(sigmaMax * y));
  }
  return out;
}

DiffusionSimulation::DiffusionSimulation(const GaussianMixture& mixture,
                                         const SamplingConfig& config, const GpuContext* gpu,
                                         size_t historyBudgetBytes)
    : id_(nextId()),
      mixture_(mixture),
      config_(config),
      gpu_(gpu),
      sigmas_(karrasSigmas(config.schedule)) {
  const size_t stateBytes = size_t(config.particleCount) * sizeof(glm::vec2);
  size_t budget = historyBudgetBytes;
  if (gpu) budget = std::min<size_t>(budget, gpu->limits().maxStorageBufferRange);
  if (config.particleCount < 1) throw InputError("particles: must be at least 1");
  if (2 * stateBytes > budget)
    throw InputError("particles: " + std::to_string(config.particleCount) +
                     " do not fit two states in one storage buffer of this device (at most " +
                     std::to_string(budget / (2 * sizeof(glm::vec2))) + ")");
  slotCount_ = uint32_t(std::clamp<size_t>(budget / stateBytes, 2, size_t(steps()) + 1));
  noise_ = initialNoise(config.particleCount, config.seed, config.schedule.sigmaMax);
  if (!gpu) {
    cpuHistory_.resize(size_t(slotCount_) * config.particleCount);
    std::copy(noise_.begin(), noise_.end(), cpuHistory_.begin());
    return;
  }
  auto components = mixture.gpuComponents();
  mixtureBuffer_ =
      std::make_unique<GpuBuffer>(*gpu, components.size() * sizeof(GpuMixtureComponent),
                                  VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryKind::HostVisible);
  mixtureBuffer_->upload(std::span<const GpuMixtureComponent>(components));
  noiseBuffer_ =
      std::make_unique<GpuBuffer>(*gpu, stateBytes, kStorageUsage, MemoryKind::DeviceLocal);
  noiseBuffer_->upload(std::span<const glm::vec2>(noise_));
  noise_.clear();
  noise_.shrink_to_fit();
  history_ = std::make_unique<GpuBuffer>(*gpu, stateBytes * slotCount_,
                                         kStorageUsage | VK_BUFFER_USAGE_VERTEX_BUFFER_BIT,
                                         MemoryKind::DeviceLocal);
  stepKernel_ = std::make_unique<EdmStepKernel>(*gpu);
  stepSet_ = stepKernel_->bind(*mixtureBuffer_, *history_);
  gpu->submitAndWait([&](VkCommandBuffer cmd) { restartFromNoise(cmd); });
}

DiffusionSimulation::~DiffusionSimulation() = default;  // the kernel's pool frees its sets

void DiffusionSimulation::restartFromNoise(VkCommandBuffer cmd) {
  newest_ = 0;
  current_ = 0;
  if (!gpu_) {
    std::copy(noise_.begin(), noise_.end(), cpuHistory_.begin());
    return;
  }
  VkBufferCopy region{0, 0, noiseBuffer_->size()};
  vkCmdCopyBuffer(cmd, noiseBuffer_->handle(), history_->handle(), 1, &region);
}

void DiffusionSimulation::advance(VkCommandBuffer cmd) {
  const int from = newest_, to = newest_ + 1;
  const size_t n = size_t(config_.particleCount);
  if (!gpu_) {
    std::span<const glm::vec2> src(cpuHistory_.data() + slotOf(from) * n, n);
    std::span<glm::vec2> dst(cpuHistory_.data() + slotOf(to) * n, n);
    edmStepCpu(mixture_, config_.sampler, sigmas_[from], sigmas_[to], src, dst);
  } else {
    // The previous step (or the noise copy) wrote the slot this step reads; and an earlier
    // dispatch may still read the slot this one overwrites once the ring wraps.
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, nullptr, 0,
                         nullptr);
    EdmStepPush push{uint32_t(n),
                     uint32_t(mixture_.components().size()),
                     uint32_t(slotOf(from) * n),
                     uint32_t(slotOf(to) * n),
                     float(sigmas_[from]),
                     float(sigmas_[to]),
                     config_.sampler == EdmSamplerKind::Heun ? 1u : 0u};
    stepKernel_->record(cmd, stepSet_, push);
  }
  newest_ = to;
}

bool DiffusionSimulation::seek(int target, VkCommandBuffer cmd) {
  target = std::clamp(target, 0, steps());
  if (target >= oldestAvailable() && target <= newest_) {
    current_ = target;
    return false;
  }
  auto work = [&](VkCommandBuffer c) {
    if (target < oldestAvailable()) restartFromNoise(c);
    while (newest_ < target) advance(c);
  };
  if (gpu_ && cmd == VK_NULL_HANDLE)
    gpu_->submitAndWait(work);
  else
    work(cmd);
  current_ = target;
  return gpu_ != nullptr && cmd != VK_NULL_HANDLE;
}

std::vector<glm::vec2> DiffusionSimulation::state(int k) const {
  if (k < oldestAvailable() || k > newest_)
    throw std::out_of_range("DiffusionSimulation::state: state not in the history ring");
  const size_t n = size_t(config_.particleCount);
  if (!gpu_)
    return {cpuHistory_.begin() + slotOf(k) * n, cpuHistory_.begin() + (slotOf(k) + 1) * n};
  return history_->read<glm::vec2>(n, slotOf(k) * n * sizeof(glm::vec2));
}

}  // namespace flowscope
