#include "DiffusionSimulation.h"

#include <algorithm>
#include <atomic>

#include "DiffusionParams.h"
#include "InputError.h"
#include "Limits.h"
#include "Rng.h"

namespace flowscope {
namespace {
uint64_t nextId() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}
}  // namespace

SamplingConfig compareConfig(const SamplingConfig& primary, SamplerKind sampler) {
  SamplingConfig config = primary;
  config.sampler.kind = sampler;
  auto fits = compatibleSchedules(sampler);
  if (std::find(fits.begin(), fits.end(), config.schedule.kind) == fits.end())
    config.schedule = defaultSchedule(fits.front(), config.schedule.steps);
  return config;
}

std::vector<ParticleState> DiffusionSimulation::initialNoise(int count, uint64_t seed,
                                                             double tau0) {
  Pcg32 rng(seed);
  std::vector<ParticleState> out(count);
  for (auto& p : out) {
    double x = rng.normal(), y = rng.normal();
    p = ParticleState(float(tau0 * x), float(tau0 * y), 0.0f, 0.0f);
  }
  return out;
}

namespace {

size_t historyBudget(const GpuContext* gpu, size_t historyBudgetBytes) {
  return gpu ? std::min<size_t>(historyBudgetBytes, gpu->limits().maxStorageBufferRange)
             : historyBudgetBytes;
}

}  // namespace

void DiffusionSimulation::check(const Dataset& data, const SamplingConfig& config,
                                const GpuContext* gpu, size_t historyBudgetBytes) {
  validate(config.sampler);
  validate(config.schedule);
  validate(config.sampler, config.schedule);
  if (config.particleCount < 1) throw InputError("particles: must be at least 1");
  const std::vector<NoiseLevel> levels = buildSchedule(config.schedule);
  long evaluations = 0;
  for (size_t i = 0; i + 1 < levels.size(); ++i)
    evaluations += stepEvaluations(config.sampler, levels, int(i));
  const size_t terms = data.model().terms();
  const double work = double(config.particleCount) * double(terms) * double(evaluations);
  if (work > kMaxWork)
    throw InputError("particles: " + std::to_string(config.particleCount) + " x " +
                     std::to_string(terms) + " model terms (components, points or pairs) x " +
                     std::to_string(evaluations) + " evaluations = " + formatNumber(work) +
                     " is above the budget of " + formatNumber(kMaxWork) +
                     " for one run: fewer particles, data points or steps");
  const size_t budget = historyBudget(gpu, historyBudgetBytes);
  if (2 * size_t(config.particleCount) * sizeof(ParticleState) > budget)
    throw InputError("particles: " + std::to_string(config.particleCount) +
                     " do not fit two states in one storage buffer of this device (at most " +
                     std::to_string(budget / (2 * sizeof(ParticleState))) + ")");
}

DiffusionSimulation::DiffusionSimulation(std::shared_ptr<const Dataset> data,
                                         const SamplingConfig& config, const GpuContext* gpu,
                                         size_t historyBudgetBytes)
    : id_(nextId()),
      data_(std::move(data)),
      config_(config),
      gpu_(gpu),
      levels_(buildSchedule(config.schedule)),
      noiseSeed_(uint32_t(config.seed ^ (config.seed >> 32)) * 2654435761u + 1u) {
  check(*data_, config, gpu, historyBudgetBytes);
  evaluations_.assign(levels_.size(), 0);
  for (int i = 0; i < steps(); ++i)
    evaluations_[i + 1] = evaluations_[i] + stepEvaluations(config.sampler, levels_, i);
  const size_t stateBytes = size_t(config.particleCount) * sizeof(ParticleState);
  const size_t budget = historyBudget(gpu, historyBudgetBytes);
  slotCount_ = uint32_t(std::clamp<size_t>(budget / stateBytes, 2, size_t(steps()) + 1));
  noise_ = initialNoise(config.particleCount, config.seed, levels_[0].tau);
  if (stepsOnCpu()) {
    cpuHistory_.resize(size_t(slotCount_) * config.particleCount);
    cpuTrack_.resize(size_t(steps() + 1) * trackedCount());
  }
  if (!gpu) {
    restartFromNoise(VK_NULL_HANDLE);
    return;
  }
  gpuModel_ = std::make_unique<GpuModelData>(*gpu, *data_);
  noiseBuffer_ =
      std::make_unique<GpuBuffer>(*gpu, stateBytes, kStorageUsage, MemoryKind::DeviceLocal);
  noiseBuffer_->upload(std::span<const ParticleState>(noise_));
  if (!config.stepsOnCpu) {
    noise_.clear();
    noise_.shrink_to_fit();
  }
  history_ = std::make_unique<GpuBuffer>(*gpu, stateBytes * slotCount_,
                                         kStorageUsage | VK_BUFFER_USAGE_VERTEX_BUFFER_BIT,
                                         MemoryKind::DeviceLocal);
  track_ = std::make_unique<GpuBuffer>(*gpu,
                                       size_t(steps() + 1) * trackedCount() * sizeof(ParticleState),
                                       kStorageUsage, MemoryKind::DeviceLocal);
  if (!config.stepsOnCpu) {
    kernel_ = std::make_unique<SamplerKernel>(*gpu, config.sampler.kind,
                                              gpuModel_->kind() == GpuModel::Learned);
    set_ = kernel_->bind(*gpuModel_, *history_);
  }
  gpu->submitAndWait([&](VkCommandBuffer cmd) { restartFromNoise(cmd); });
}

DiffusionSimulation::~DiffusionSimulation() = default;  // the kernel's pool frees its set

void DiffusionSimulation::restartFromNoise(VkCommandBuffer cmd) {
  newest_ = 0;
  current_ = 0;
  if (stepsOnCpu()) std::copy(noise_.begin(), noise_.end(), cpuHistory_.begin());
  if (gpu_) {
    VkBufferCopy region{0, 0, noiseBuffer_->size()};
    vkCmdCopyBuffer(cmd, noiseBuffer_->handle(), history_->handle(), 1, &region);
  }
  track(cmd, 0);
}

void DiffusionSimulation::track(VkCommandBuffer cmd, int state) {
  const uint32_t k = trackedCount();
  const size_t n = size_t(config_.particleCount);
  if (stepsOnCpu())
    std::copy_n(cpuHistory_.begin() + slotOf(state) * n, k, cpuTrack_.begin() + size_t(state) * k);
  if (!gpu_) return;
  // The first k particles of the slot are contiguous: one copy, after the write of the state
  // (read after write) and after any earlier copy to the same track region (a replay: write
  // after write).
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &barrier, 0, nullptr, 0, nullptr);
  VkBufferCopy region{slotOf(state) * n * sizeof(ParticleState),
                      size_t(state) * k * sizeof(ParticleState), k * sizeof(ParticleState)};
  vkCmdCopyBuffer(cmd, history_->handle(), track_->handle(), 1, &region);
}

void DiffusionSimulation::advance(VkCommandBuffer cmd) {
  const int from = newest_, to = newest_ + 1;
  const size_t n = size_t(config_.particleCount);
  const StepContext ctx = makeStepContext(config_.sampler, levels_, from, noiseSeed_);
  if (stepsOnCpu()) {
    std::span<const ParticleState> src(cpuHistory_.data() + slotOf(from) * n, n);
    std::span<ParticleState> dst(cpuHistory_.data() + slotOf(to) * n, n);
    samplerStepCpu(data_->model(), ctx, src, dst);
    if (gpu_) uploadState(cmd, to);
  } else {
    // The previous step (or the noise copy) wrote the slot this step reads; and an earlier
    // dispatch may still read the slot this one overwrites once the ring wraps.
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, nullptr, 0,
                         nullptr);
    kernel_->record(cmd, set_,
                    makeSamplerPush(ctx, *gpuModel_, uint32_t(n), uint32_t(slotOf(from) * n),
                                    uint32_t(slotOf(to) * n)));
  }
  track(cmd, to);
  newest_ = to;
}

void DiffusionSimulation::uploadState(VkCommandBuffer cmd, int state) {
  // Earlier readers (draws, kernels, copies) and writers of the slot come first.
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd,
                       VK_PIPELINE_STAGE_VERTEX_INPUT_BIT | VK_PIPELINE_STAGE_VERTEX_SHADER_BIT |
                           VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &barrier, 0, nullptr, 0, nullptr);
  // vkCmdUpdateBuffer copies the data into the command buffer: nothing to keep alive.
  const size_t n = size_t(config_.particleCount), bytes = n * sizeof(ParticleState);
  const auto* src = reinterpret_cast<const char*>(cpuHistory_.data() + slotOf(state) * n);
  const VkDeviceSize base = VkDeviceSize(slotOf(state)) * bytes;
  constexpr size_t kChunk = 65536;  // vkCmdUpdateBuffer's limit
  for (size_t at = 0; at < bytes; at += kChunk)
    vkCmdUpdateBuffer(cmd, history_->handle(), base + at, std::min(kChunk, bytes - at), src + at);
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

std::vector<ParticleState> DiffusionSimulation::state(int k, size_t count) const {
  if (k < oldestAvailable() || k > newest_)
    throw std::out_of_range("DiffusionSimulation::state: state not in the history ring");
  const size_t n = size_t(config_.particleCount), first = slotOf(k) * n;
  count = std::min(count, n);
  if (stepsOnCpu()) return {cpuHistory_.begin() + first, cpuHistory_.begin() + first + count};
  return history_->read<ParticleState>(count, first * sizeof(ParticleState));
}

std::vector<std::vector<glm::dvec2>> DiffusionSimulation::trackedPaths() const {
  const uint32_t k = trackedCount();
  const size_t states = size_t(newest_ + 1);
  std::vector<ParticleState> raw =
      !stepsOnCpu() ? track_->read<ParticleState>(states * k)
                    : std::vector<ParticleState>(cpuTrack_.begin(), cpuTrack_.begin() + states * k);
  std::vector<std::vector<glm::dvec2>> paths(k);
  for (uint32_t i = 0; i < k; ++i)
    for (size_t s = 0; s < states; ++s)
      paths[i].push_back(glm::dvec2(raw[s * k + i].x, raw[s * k + i].y));
  return paths;
}

std::vector<glm::dvec2> DiffusionSimulation::particlePath(uint32_t particle, int upTo) const {
  upTo = std::clamp(upTo, 0, steps());
  auto noise = initialNoise(int(particle) + 1, config_.seed, levels_[0].tau);
  std::vector<ParticleState> x = {noise[particle]}, next(1);
  std::vector<glm::dvec2> path = {glm::dvec2(x[0].x, x[0].y)};
  for (int i = 0; i < upTo; ++i) {
    samplerStepCpu(data_->model(), makeStepContext(config_.sampler, levels_, i, noiseSeed_), x,
                   next, particle);
    x.swap(next);
    path.push_back(glm::dvec2(x[0].x, x[0].y));
  }
  return path;
}

std::vector<glm::vec2> DiffusionSimulation::positions(int k, size_t count) const {
  auto s = state(k, count);
  std::vector<glm::vec2> out(s.size());
  for (size_t i = 0; i < s.size(); ++i) out[i] = glm::vec2(s[i].x, s[i].y);
  return out;
}

void seekReporting(DiffusionSimulation& sim, int target,
                   const std::function<void(int, int)>& progress) {
  constexpr int kChunk = 8;
  for (int k = std::min(sim.newest(), target); k < target;) {
    k = std::min(target, k + kChunk);
    sim.seek(k);
    progress(k, target);
  }
  sim.seek(target);
}

namespace {

struct NonFinite {
  size_t count = 0, first = 0;
};

NonFinite nonFinitePositions(const DiffusionSimulation& sim, int state) {
  const std::vector<glm::vec2> p = sim.positions(state);
  NonFinite n{0, p.size()};
  for (size_t i = 0; i < p.size(); ++i)
    if (!std::isfinite(p[i].x) || !std::isfinite(p[i].y)) n.count++, n.first = std::min(n.first, i);
  return n;
}

}  // namespace

void requireFinitePositions(DiffusionSimulation& sim, int k) {
  sim.seek(k);
  if (nonFinitePositions(sim, k).count == 0) return;
  for (int state = 0; state <= k; ++state) {
    sim.seek(state);
    const NonFinite bad = nonFinitePositions(sim, state);
    if (bad.count == 0) continue;
    const SamplingConfig& c = sim.config();
    throw NumericalError(
        "sampling: step " + std::to_string(state) + " of " + std::to_string(sim.steps()) + " (" +
        samplerKindName(c.sampler.kind) + " on " + scheduleName(c.schedule.kind) + ", sigma " +
        formatNumber(sim.sigma(std::max(0, state - 1))) + " -> " + formatNumber(sim.sigma(state)) +
        ") made " + std::to_string(bad.count) + " of " + std::to_string(c.particleCount) +
        " particle positions non-finite (first: particle " + std::to_string(bad.first) + ")" +
        (sim.onGpu() ? "; the GPU computes in float32, --backend cpu in double" : ""));
  }
}

}  // namespace flowscope
