#include "Trainer.h"

#include <algorithm>
#include <type_traits>

#include "Couplings.h"
#include "EnumNames.h"
#include "InputError.h"
#include "Limits.h"
#include "Loss.h"

namespace flowscope {
namespace {

const TrainingSpec& checked(const TrainingSpec& s, size_t points) {
  validate(s);
  if (points == 0) throw InputError("training set: no points");
  return s;
}

const NamedValue<MinibatchCoupling> kCouplings[] = {{MinibatchCoupling::Independent, "independent"},
                                                    {MinibatchCoupling::Exact, "exact"},
                                                    {MinibatchCoupling::Sinkhorn, "sinkhorn"}};

// A backend's network: the CPU ones need only the spec.
template <class Mlp>
Mlp makeMlp(const MlpSpec& spec, const GpuContext*) {
  return Mlp(spec);
}
template <>
VulkanMlp makeMlp<VulkanMlp>(const MlpSpec& spec, const GpuContext* gpu) {
  if (!gpu) throw GpuError("the Vulkan trainer needs a Vulkan device");
  return VulkanMlp(spec, *gpu);
}

template <class T>
std::vector<T> as(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

}  // namespace

std::string minibatchCouplingName(MinibatchCoupling c) {
  return nameIn(kCouplings, c);
}
MinibatchCoupling parseMinibatchCoupling(const std::string& name) {
  return parseIn(kCouplings, name, "coupling");
}

std::vector<glm::dvec2> coupledData(const std::vector<glm::dvec2>& x0,
                                    const std::vector<glm::dvec2>& eps, MinibatchCoupling c,
                                    double epsilon, uint64_t seed) {
  if (c == MinibatchCoupling::Independent) return x0;
  const CouplingKind kind =
      c == MinibatchCoupling::Exact ? CouplingKind::Exact : CouplingKind::Sinkhorn;
  const Coupling pairing = makeCoupling(eps, x0, kind, epsilon, seed);
  std::vector<glm::dvec2> out(x0.size());
  for (size_t k = 0; k < out.size(); ++k) out[k] = x0[pairing.partner[k]];
  return out;
}

void validate(const TrainingSpec& s) {
  if (s.network.inputs != 2 || s.network.outputs != 2)
    throw InputError("network: 2 inputs and 2 outputs for 2-D data");
  validate(s.network);
  validate(s.objective);
  validate(s.adam);
  if (!(s.emaDecay >= 0.0 && s.emaDecay < 1.0)) throw InputError("EMA decay: in [0, 1)");
  requireInRange("batch", s.batch, 1, 65536);
  if (s.coupling != MinibatchCoupling::Independent) {
    if (s.objective.kind != ObjectiveKind::Flow)
      throw InputError("coupling: " + minibatchCouplingName(s.coupling) +
                       " pairs noise and data for flow matching; the objective is " +
                       objectiveName(s.objective.kind));
    if (s.batch > 4096)
      throw InputError("coupling: " + minibatchCouplingName(s.coupling) +
                       " solves a batch x batch problem each step: batch at most 4096");
  }
  requireInRange("coupling epsilon", s.couplingEpsilon, 1e-4, 1e3);
  if (s.network.classes > 0 && s.coupling != MinibatchCoupling::Independent)
    throw InputError("coupling: a class-conditional network trains on independent pairs");
  requireInRange("label dropout", s.labelDropout, 0.0, 1.0);
}

void dropLabels(std::vector<int>& labels, double p, int none, Pcg32& rng) {
  for (int& l : labels)
    if (rng.uniform() < p) l = none;
}

template <class Mlp, class T>
Trainer<Mlp, T>::Trainer(const TrainingSpec& spec, std::vector<glm::dvec2> trainingSet,
                         const GpuContext* gpu)
    : spec_(checked(spec, trainingSet.size())),
      data_(std::move(trainingSet)),
      objective_(spec.objective),
      mlp_(makeMlp<Mlp>(spec.network, gpu)),
      params_(as<T>(initialParameters(spec.network))),
      grad_(params_.size()),
      adam_(params_.size(), spec.adam),
      ema_(spec.emaDecay),
      rng_(spec.seed, 13u) {}

template <class Mlp, class T>
void Trainer<Mlp, T>::setPairs(std::vector<glm::dvec2> noise, std::vector<glm::dvec2> data) {
  if (noise.size() != data.size()) throw InputError("reflow pairs: as many endpoints as noise");
  if (spec_.network.classes > 0 && !noise.empty())
    throw InputError("reflow pairs: a class-conditional network trains on labelled data only");
  pairNoise_ = std::move(noise);
  pairData_ = std::move(data);
}

template <class Mlp, class T>
void Trainer<Mlp, T>::setLabels(std::vector<int> labels) {
  const int k = spec_.network.classes;
  if (k == 0) throw InputError("labels: the network is not class-conditional");
  if (labels.size() != data_.size())
    throw InputError("labels: " + std::to_string(labels.size()) + " for " +
                     std::to_string(data_.size()) + " training points");
  for (int l : labels)
    if (l < 0 || l >= k)
      throw InputError("labels: " + std::to_string(l) + " is not a class of 0.." +
                       std::to_string(k - 1));
  labels_ = std::move(labels);
}

template <class Mlp, class T>
void Trainer<Mlp, T>::setParameters(std::vector<T> weights) {
  if (weights.size() != params_.size())
    throw InputError("weights: " + std::to_string(weights.size()) + " values, the network has " +
                     std::to_string(params_.size()));
  params_ = std::move(weights);
  ema_ = WeightAverageT<T>(spec_.emaDecay);
  ema_.update(params_);
}

template <class Mlp, class T>
void Trainer<Mlp, T>::drawMinibatch(std::vector<glm::dvec2>& x0, std::vector<glm::dvec2>& eps,
                                    std::vector<int>& labels) {
  const size_t n = size_t(spec_.batch);
  x0.resize(n);
  eps.resize(n);
  labels.clear();
  auto index = [&](size_t size) {
    return std::min(size - 1, size_t(rng_.uniform() * double(size)));
  };
  if (reflowing()) {
    for (size_t k = 0; k < n; ++k) {
      const size_t i = index(pairNoise_.size());
      x0[k] = pairData_[i];
      eps[k] = pairNoise_[i];
    }
    return;
  }
  for (size_t k = 0; k < n; ++k) {
    const size_t i = index(data_.size());
    x0[k] = data_[i];
    if (!labels_.empty()) labels.push_back(labels_[i]);
  }
  for (glm::dvec2& e : eps) e = glm::dvec2(rng_.normal(), rng_.normal());
  if (!labels_.empty()) dropLabels(labels, spec_.labelDropout, spec_.network.classes, rng_);
  if (spec_.coupling != MinibatchCoupling::Independent)
    x0 = coupledData(x0, eps, spec_.coupling, spec_.couplingEpsilon, rng_.next());
}

template <class Mlp, class T>
double Trainer<Mlp, T>::step() {
  if (spec_.network.classes > 0 && labels_.empty())
    throw InputError("labels: a class-conditional network needs its training set's labels");
  std::vector<glm::dvec2> x0, eps;
  std::vector<int> labels;
  drawMinibatch(x0, eps, labels);
  const RegressionBatch b = objective_.batch(x0, eps, rng_);
  const std::vector<T> target = as<T>(b.target), weight = as<T>(b.weight);
  const std::vector<T> y = mlp_.forward(params_, as<T>(b.input), as<T>(b.level), labels);
  std::vector<T> dy(y.size());
  const double loss = weightedSquaredError(std::span<const T>(y), std::span<const T>(target),
                                           std::span<const T>(weight), 2, std::span<T>(dy));
  std::fill(grad_.begin(), grad_.end(), T(0));
  mlp_.backward(params_, dy, grad_);
  adam_.step(params_, grad_);
  ema_.update(params_);
  return loss;
}

template <class Mlp, class T>
double Trainer<Mlp, T>::loss(const std::vector<T>& weights, const RegressionBatch& b) const {
  const std::vector<double> y = evaluate(weights, b.input, b.level);
  std::vector<double> dy(y.size());
  return weightedSquaredError(std::span<const double>(y), std::span<const double>(b.target),
                              std::span<const double>(b.weight), 2, std::span<double>(dy));
}

template <class Mlp, class T>
std::vector<double> Trainer<Mlp, T>::evaluate(const std::vector<T>& weights,
                                              std::span<const double> x,
                                              std::span<const double> level) const {
  // On the CPU twin of the backend's precision: no device work from a const query (the Training
  // lab's held-out loss), the same figures to float rounding.
  using Twin = std::conditional_t<std::is_same_v<T, double>, ReferenceMlp, FastCpuMlp>;
  Twin copy(spec_.network);
  const std::vector<T> y =
      copy.forward(weights, as<T>({x.begin(), x.end()}), as<T>({level.begin(), level.end()}));
  return {y.begin(), y.end()};
}

template class Trainer<ReferenceMlp, double>;
template class Trainer<FastCpuMlp, float>;
template class Trainer<VulkanMlp, float>;

}  // namespace flowscope
