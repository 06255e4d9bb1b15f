#pragma once
// Maximum-likelihood training of a normalizing flow on 2-D points: minibatches drawn uniformly
// with replacement from the training set, the mean negative log-likelihood
//   NLL = mean over the batch of -log p(x)  (nats per point; FlowNetwork.h),
// Adam(W) of the training engine (Adam.h: rate schedule, clipping). Glow's actnorm layers are
// initialised from the first minibatch. Backends as the engine's (FloatTrainer.h): the double
// reference (tests), the fast CPU one (float32: CPU-only devices, lavapipe), Vulkan's MLPs for
// the conditioners on a GPU (the coupling arithmetic and the optimiser on the host).
#include <glm/glm.hpp>

#include <memory>
#include <string>
#include <vector>

#include "Adam.h"
#include "Dataset.h"
#include "FloatTrainer.h"
#include "FlowNetwork.h"
#include "Rng.h"

namespace flowscope {

class GpuContext;

// A flow's data by name (a preset or a file): a mixture's `points` seeded draws for training and
// `heldOutDraws` fresh ones (seed + 17) held out; a point cloud's first `points`, the last fifth
// of them held out when there are 10 or more. InputError naming the file.
struct FlowData {
  std::shared_ptr<const Dataset> data;
  std::vector<glm::dvec2> train, heldOut;
};
FlowData flowData(const std::string& name, int points, uint64_t seed, size_t heldOutDraws);

struct FlowTrainingSpec {
  FlowSpec flow;
  AdamOptions adam{.learningRate = 2e-3, .clipNorm = 10.0, .totalSteps = 3000};
  int batch = 512;  // 1 .. 65536
  uint64_t seed = 1;
};
void validate(const FlowTrainingSpec& s);  // InputError naming the field

template <class Mlp, class T>
class FlowTrainer {
 public:
  template <class... Args>
  FlowTrainer(const FlowTrainingSpec& spec, std::vector<glm::dvec2> trainingSet, Args&&... mlpArgs)
      : spec_(checked(spec, trainingSet)),
        flow_(spec.flow, mlpArgs...),
        data_(std::move(trainingSet)),
        adam_(flow_.layout().count, spec.adam),
        rng_(spec.seed, 91u) {
    const std::vector<double> p = initialFlowParameters(spec.flow);
    params_.assign(p.begin(), p.end());
    grad_.assign(params_.size(), T(0));
  }
  double step();  // one optimiser step; the minibatch's NLL before it
  long steps() const { return adam_.steps(); }
  const std::vector<T>& parameters() const { return params_; }
  void setParameters(std::vector<T> p);  // InputError on a wrong count
  // The mean NLL of `points` with the current parameters (in batches of at most 8,192).
  double nll(const std::vector<glm::dvec2>& points);
  FlowNetwork<Mlp, T>& flow() { return flow_; }
  const FlowTrainingSpec& spec() const { return spec_; }

 private:
  static const FlowTrainingSpec& checked(const FlowTrainingSpec& s,
                                         const std::vector<glm::dvec2>& data);
  FlowTrainingSpec spec_;
  FlowNetwork<Mlp, T> flow_;
  std::vector<glm::dvec2> data_;
  AdamT<T> adam_;
  Pcg32 rng_;
  std::vector<T> params_, grad_;
  bool actNormReady_ = false;
};

// The float32 trainers behind one interface (the lab and the CLI hold whichever runs).
class FloatFlowTrainer {
 public:
  virtual ~FloatFlowTrainer() = default;
  virtual double step() = 0;
  virtual long steps() const = 0;
  virtual const std::vector<float>& parameters() const = 0;
  virtual void setParameters(std::vector<float> p) = 0;
  virtual double nll(const std::vector<glm::dvec2>& points) = 0;
  virtual std::string backend() const = 0;  // in words
};
// As makeFloatTrainer: Gpu forces Vulkan's MLPs (GpuError without a device), Cpu the fast CPU
// one, Auto Vulkan's where `gpu` is a GPU.
std::unique_ptr<FloatFlowTrainer> makeFlowTrainer(const FlowTrainingSpec& spec,
                                                  std::vector<glm::dvec2> trainingSet,
                                                  const GpuContext* gpu,
                                                  TrainingBackend backend = TrainingBackend::Auto);

}  // namespace flowscope
