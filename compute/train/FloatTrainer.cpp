#include "FloatTrainer.h"

#include <thread>
#include <type_traits>

#include "EnumNames.h"
#include "FastCpu.h"

namespace flowscope {
namespace {

template <class TrainerT>
class FloatTrainerOf : public FloatTrainer {
 public:
  template <class... Args>
  explicit FloatTrainerOf(std::string backend, Args&&... args)
      : trainer_(std::forward<Args>(args)...), backend_(std::move(backend)) {}
  double step() override { return trainer_.step(); }
  long steps() const override { return trainer_.steps(); }
  void setPairs(std::vector<glm::dvec2> noise, std::vector<glm::dvec2> data) override {
    trainer_.setPairs(std::move(noise), std::move(data));
  }
  void setLabels(std::vector<int> labels) override { trainer_.setLabels(std::move(labels)); }
  void setParameters(std::vector<float> weights) override {
    trainer_.setParameters(std::move(weights));
  }
  double loss(const std::vector<float>& weights, const RegressionBatch& batch) const override {
    return trainer_.loss(weights, batch);
  }
  const Objective& objective() const override { return trainer_.objective(); }
  const std::vector<float>& parameters() const override { return trainer_.parameters(); }
  const std::vector<float>& averaged() const override { return trainer_.averaged(); }
  std::string backend() const override {
    if constexpr (std::is_same_v<TrainerT, VulkanTrainer>)
      return backend_ + ", " + std::to_string(trainer_.network().rowsPerGroup()) +
             " rows a work group)";
    return backend_;
  }
  bool onGpu() const override { return std::is_same_v<TrainerT, VulkanTrainer>; }

 private:
  TrainerT trainer_;
  std::string backend_;
};

}  // namespace

bool usesVulkanTrainer(TrainingBackend backend, const GpuContext* gpu) {
  if (backend == TrainingBackend::Gpu && !gpu)
    throw GpuError("the Vulkan trainer needs a Vulkan device");
  return runsOnVulkan(backend, gpu);
}

std::unique_ptr<FloatTrainer> makeFloatTrainer(const TrainingSpec& spec,
                                               std::vector<glm::dvec2> trainingSet,
                                               const GpuContext* gpu, TrainingBackend backend) {
  if (usesVulkanTrainer(backend, gpu))
    return std::make_unique<FloatTrainerOf<VulkanTrainer>>(
        "Vulkan fused MLP, float32 (" + gpu->info().name, spec, std::move(trainingSet), gpu);
  return std::make_unique<FloatTrainerOf<FastCpuTrainer>>(fastCpuName(), spec,
                                                          std::move(trainingSet));
}

}  // namespace flowscope
