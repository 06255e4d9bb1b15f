#pragma once
// Training on 2-D points with one backend: a training set of N points, minibatches drawn
// uniformly with replacement, one objective (Objective.h), Adam(W) and the weight average. The
// objective's batch is made in double and handed to the backend in its precision T.
//
// Flow matching pairs each minibatch's data with its noise by a coupling (Tong et al. 2023,
// "minibatch OT"): independent (as drawn), exact OT (the optimal assignment for the squared
// distance: OT-CFM) or Sinkhorn at eps (each noise point draws its partner from its row of the
// entropic plan), all by the Transport lab's solvers (transport/Couplings.h). Reflow (Liu et al.
// 2023, k-rectified flow) trains on given pairs (z, ODE(z)) instead: setPairs.
//
// A class-conditional network (MlpSpec::classes = K) sees each sample's class (setLabels), and
// with probability labelDropout "no class" instead (Ho & Salimans 2022, classifier-free
// guidance: one network learns the conditional and the unconditional model).
//   ReferenceTrainer: the double-precision oracle of the tests;
//   FastCpuTrainer: float32 with Eigen, for CPU-only devices (lavapipe) and the CLI there;
//   VulkanTrainer: float32 on a Vulkan device (VulkanMlp.h), the optimiser on the host.
#include <glm/glm.hpp>

#include <vector>

#include "Adam.h"
#include "FastCpuMlp.h"
#include "Objective.h"
#include "ReferenceMlp.h"
#include "VulkanMlp.h"

namespace flowscope {

enum class MinibatchCoupling { Independent, Exact, Sinkhorn };
std::string minibatchCouplingName(MinibatchCoupling c);  // "independent", "exact", "sinkhorn"
MinibatchCoupling parseMinibatchCoupling(const std::string& name);

// The minibatch's data reordered so that entry k is noise k's partner under the coupling
// (independent: unchanged). InputError when a solver fails.
std::vector<glm::dvec2> coupledData(const std::vector<glm::dvec2>& x0,
                                    const std::vector<glm::dvec2>& eps, MinibatchCoupling c,
                                    double epsilon, uint64_t seed);

struct TrainingSpec {
  MlpSpec network;
  ObjectiveSpec objective;
  AdamOptions adam;
  double emaDecay = 0.999;
  int batch = 256;  // 1 .. 65536
  uint64_t seed = 1;
  MinibatchCoupling coupling = MinibatchCoupling::Independent;  // flow objective only
  double couplingEpsilon = 0.05;  // sinkhorn: POT's reg, squared Euclidean cost
  double labelDropout = 0.1;      // class-conditional: P(a sample's label becomes "no class")
};

// InputError naming the first bad field of the network, objective, optimiser, "EMA decay" or
// "batch", "coupling" (not independent for an objective other than flow; batch at most 4096 for
// exact and Sinkhorn; independent for a class-conditional network), "coupling epsilon" or "label
// dropout" (in [0, 1]); the data must be 2-D points (network inputs and outputs 2).
void validate(const TrainingSpec& spec);

// Label dropout: each label becomes `none` with probability p (one uniform draw a label, in order).
void dropLabels(std::vector<int>& labels, double p, int none, Pcg32& rng);

template <class Mlp, class T>
class Trainer {
 public:
  // validate(spec), and a training set of at least one point (InputError). `gpu`: the device of
  // a VulkanTrainer (GpuError without one), unused by the CPU backends.
  Trainer(const TrainingSpec& spec, std::vector<glm::dvec2> trainingSet,
          const GpuContext* gpu = nullptr);
  double step();  // one optimiser step; returns the minibatch's loss
  long steps() const { return adam_.steps(); }
  // Reflow: from now on minibatches are drawn from these pairs (noise z_k, its endpoint y_k),
  // the coupling ignored; an empty set returns to the training set. InputError on sizes.
  void setPairs(std::vector<glm::dvec2> noise, std::vector<glm::dvec2> data);
  // A class-conditional network's training labels, one a training point in 0..K-1 (InputError
  // naming "labels" otherwise, or for a network that is not class-conditional). Required before
  // the first step of such a network.
  void setLabels(std::vector<int> labels);
  bool reflowing() const { return !pairNoise_.empty(); }
  // Starts from given weights (a loaded file): the network and its average both take them; the
  // optimiser's moments and step count stay as they are.
  void setParameters(std::vector<T> weights);
  // The loss of `weights` on a fixed batch (a held-out set's, made once with its own noise).
  double loss(const std::vector<T>& weights, const RegressionBatch& batch) const;
  const TrainingSpec& spec() const { return spec_; }
  const Objective& objective() const { return objective_; }
  const Mlp& network() const { return mlp_; }  // the backend's (VulkanMlp: rowsPerGroup)
  const std::vector<T>& parameters() const { return params_; }
  // The weight average (the initial weights before the first step).
  const std::vector<T>& averaged() const {
    return ema_.weights().empty() ? params_ : ema_.weights();
  }
  // The raw network outputs (batch x 2) at points x (batch x 2) and their levels, with the given
  // weights (a CPU copy of the network in the backend's precision runs them: the trainer's own
  // keeps its last batch).
  std::vector<double> evaluate(const std::vector<T>& weights, std::span<const double> x,
                               std::span<const double> level) const;

 private:
  TrainingSpec spec_;
  // The minibatch's clean samples and their noise (coupled, or reflow's pairs).
  // (With labels: each sample's, dropped out.)
  void drawMinibatch(std::vector<glm::dvec2>& x0, std::vector<glm::dvec2>& eps,
                     std::vector<int>& labels);
  std::vector<glm::dvec2> data_, pairNoise_, pairData_;
  std::vector<int> labels_;
  Objective objective_;
  Mlp mlp_;
  std::vector<T> params_, grad_;
  AdamT<T> adam_;
  WeightAverageT<T> ema_;
  Pcg32 rng_;
};

using ReferenceTrainer = Trainer<ReferenceMlp, double>;
using FastCpuTrainer = Trainer<FastCpuMlp, float>;
using VulkanTrainer = Trainer<VulkanMlp, float>;
extern template class Trainer<ReferenceMlp, double>;
extern template class Trainer<FastCpuMlp, float>;
extern template class Trainer<VulkanMlp, float>;

}  // namespace flowscope
