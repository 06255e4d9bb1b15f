#include "FlowTrainer.h"

#include <algorithm>

#include "FastCpu.h"
#include "FastCpuMlp.h"
#include "GpuContext.h"
#include "InputError.h"
#include "Limits.h"
#include "ReferenceMlp.h"
#include "VulkanMlp.h"

namespace flowscope {

FlowData flowData(const std::string& name, int points, uint64_t seed, size_t heldOutDraws) {
  FlowData d;
  d.data = resolve(DataSource::named(name));
  if (d.data->mixture) {
    d.train = d.data->mixture->sample(size_t(points), seed);
    d.heldOut = d.data->mixture->sample(heldOutDraws, seed + 17);
    return d;
  }
  const auto& all = d.data->points->points();
  const size_t n = std::min(all.size(), size_t(points));
  const size_t keep = n >= 10 ? n - n / 5 : n;
  d.train.assign(all.begin(), all.begin() + long(keep));
  d.heldOut.assign(all.begin() + long(keep), all.begin() + long(n));
  return d;
}

void validate(const FlowTrainingSpec& s) {
  validate(s.flow);
  validate(s.adam);
  requireInRange("batch", s.batch, 1, 65536);
}

template <class Mlp, class T>
const FlowTrainingSpec& FlowTrainer<Mlp, T>::checked(const FlowTrainingSpec& s,
                                                     const std::vector<glm::dvec2>& data) {
  validate(s);
  if (data.empty()) throw InputError("data: the training set is empty");
  return s;
}

template <class Mlp, class T>
double FlowTrainer<Mlp, T>::step() {
  std::vector<T> x(2 * size_t(spec_.batch));
  for (size_t r = 0; r < size_t(spec_.batch); ++r) {
    const glm::dvec2 p = data_[std::min(data_.size() - 1, size_t(rng_.uniform() * data_.size()))];
    x[2 * r] = T(p.x);
    x[2 * r + 1] = T(p.y);
  }
  if (!actNormReady_) {
    flow_.initialiseActNorm(params_, x);
    actNormReady_ = true;
  }
  std::fill(grad_.begin(), grad_.end(), T(0));
  const double loss = flow_.nllAndGradient(params_, x, grad_);
  adam_.step(params_, grad_);
  return loss;
}

template <class Mlp, class T>
void FlowTrainer<Mlp, T>::setParameters(std::vector<T> p) {
  if (p.size() != params_.size())
    throw InputError("parameters: the flow has " + std::to_string(params_.size()) + ", got " +
                     std::to_string(p.size()));
  params_ = std::move(p);
  actNormReady_ = true;  // loaded weights keep their actnorm
}

template <class Mlp, class T>
double FlowTrainer<Mlp, T>::nll(const std::vector<glm::dvec2>& points) {
  double sum = 0.0;
  constexpr size_t kChunk = 8192;
  for (size_t begin = 0; begin < points.size(); begin += kChunk) {
    const size_t end = std::min(points.size(), begin + kChunk);
    const std::vector<T> x = flatPoints<T>(std::span(points).subspan(begin, end - begin));
    for (double lp : flow_.logDensity(params_, x)) sum -= lp;
  }
  return points.empty() ? 0.0 : sum / double(points.size());
}

template class FlowTrainer<ReferenceMlp, double>;
template class FlowTrainer<FastCpuMlp, float>;
template class FlowTrainer<VulkanMlp, float>;

namespace {

template <class Trainer>
class FloatFlowTrainerOf : public FloatFlowTrainer {
 public:
  template <class... Args>
  explicit FloatFlowTrainerOf(std::string backend, Args&&... args)
      : trainer_(std::forward<Args>(args)...), backend_(std::move(backend)) {}
  double step() override { return trainer_.step(); }
  long steps() const override { return trainer_.steps(); }
  const std::vector<float>& parameters() const override { return trainer_.parameters(); }
  void setParameters(std::vector<float> p) override { trainer_.setParameters(std::move(p)); }
  double nll(const std::vector<glm::dvec2>& points) override { return trainer_.nll(points); }
  std::string backend() const override { return backend_; }

 private:
  Trainer trainer_;
  std::string backend_;
};

}  // namespace

std::unique_ptr<FloatFlowTrainer> makeFlowTrainer(const FlowTrainingSpec& spec,
                                                  std::vector<glm::dvec2> trainingSet,
                                                  const GpuContext* gpu, TrainingBackend backend) {
  if (usesVulkanTrainer(backend, gpu))
    return std::make_unique<FloatFlowTrainerOf<FlowTrainer<VulkanMlp, float>>>(
        "Vulkan MLPs, float32 (" + gpu->info().name + ")", spec, std::move(trainingSet), *gpu);
  return std::make_unique<FloatFlowTrainerOf<FlowTrainer<FastCpuMlp, float>>>(
      fastCpuName(), spec, std::move(trainingSet));
}

}  // namespace flowscope
