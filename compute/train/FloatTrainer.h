#pragma once
// The float32 trainers behind one interface, so the Training lab and the CLI hold whichever the
// device calls for: the fast CPU one where the Vulkan device is itself a CPU (lavapipe, where it
// is far faster than the kernels) or there is none, Vulkan's fused MLP on a GPU.
#include <memory>
#include <string>

#include "Backend.h"
#include "Trainer.h"

namespace flowscope {

// The training engine's choice is the shared one (Backend.h).
using TrainingBackend = BackendChoice;

class FloatTrainer {
 public:
  virtual ~FloatTrainer() = default;
  // As Trainer's.
  virtual double step() = 0;
  virtual long steps() const = 0;
  virtual void setPairs(std::vector<glm::dvec2> noise, std::vector<glm::dvec2> data) = 0;
  virtual void setLabels(std::vector<int> labels) = 0;
  virtual void setParameters(std::vector<float> weights) = 0;
  virtual double loss(const std::vector<float>& weights, const RegressionBatch& batch) const = 0;
  virtual const Objective& objective() const = 0;
  virtual const std::vector<float>& parameters() const = 0;
  virtual const std::vector<float>& averaged() const = 0;
  // What runs, in words: "fast CPU, float32 (OpenBLAS, 2 threads)", "Vulkan, float32 (device)".
  virtual std::string backend() const = 0;
  virtual bool onGpu() const = 0;
};

// Whether a trainer runs on Vulkan: runsOnVulkan, and GpuError for Gpu without a device.
bool usesVulkanTrainer(TrainingBackend backend, const GpuContext* gpu);

// Gpu: Vulkan's trainer on `gpu`, whatever the device (GpuError without one); Cpu: the fast CPU
// one; Auto: Vulkan's where `gpu` is a GPU, else the CPU one. InputError as Trainer's.
std::unique_ptr<FloatTrainer> makeFloatTrainer(const TrainingSpec& spec,
                                               std::vector<glm::dvec2> trainingSet,
                                               const GpuContext* gpu,
                                               TrainingBackend backend = TrainingBackend::Auto);

}  // namespace flowscope
