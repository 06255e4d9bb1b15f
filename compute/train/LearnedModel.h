#pragma once
// A trained network as a model of the data (ExactModel's interface, so every sampler, field and
// view of the Diffusion & Flow lab runs on it): at a point x = s x0 + tau eps it asks the network
// as its objective says (Objective::query / denoised) and returns D, the score (s D - x) / tau^2
// and no density (logp is NaN: a denoiser has none). Evaluated in float32 (Eigen, one point per
// call, thread-safe); `terms()` counts a forward pass as parameters / 10 model terms, so the work
// budgets that bound mixtures and point clouds bound networks alike.
#include <memory>
#include <string>
#include <vector>

#include "Dataset.h"
#include "Embedding.h"
#include "ExactModel.h"
#include "MlpWeights.h"
#include "Objective.h"

namespace flowscope {

class LearnedModel : public ExactModel {
 public:
  // InputError when the network does not map 2-D points (and a level) to 2-D outputs, or the
  // weights carry no objective. A class-conditional network is asked for class `label` (0..K-1;
  // -1 or K: no class, the unconditional model label dropout trained), folded into its first
  // layer (withClassFolded): weights() is that unconditional equivalent.
  explicit LearnedModel(MlpWeights weights, const std::string& source = "weights", int label = -1);
  // A .safetensors file written by `train` (or the PyTorch export); InputError naming the file.
  static std::shared_ptr<const LearnedModel> load(const std::string& path);

  Evaluation evaluate(glm::dvec2 x, double s, double tau) const override;
  // c_skip I + c_out c_in dF/dinput: the objective's conversions are linear in the point and the
  // output (Objective::query, denoised), the network's Jacobian by forward-mode through its layers.
  glm::dmat2 denoiserJacobian(glm::dvec2 x, double s, double tau) const override;
  bool exactJacobian() const override { return true; }
  // The network's Jacobian with respect to its 2-D input at (input, level), float32 layers.
  glm::dmat2 networkJacobian(glm::dvec2 input, double level) const;
  size_t terms() const override { return std::max<size_t>(1, weights_.parameters.size() / 10); }
  // The raw network output at (input, level), float32.
  glm::dvec2 network(glm::dvec2 input, double level) const;
  // Each hidden layer's activations at (input, level): [layer][unit] (the activation view).
  std::vector<std::vector<float>> hiddenActivations(glm::dvec2 input, double level) const;

  // The floats the GPU twin reads (shaders/diffusion/model.glsl, model 3): header, frequencies,
  // parameters, alpha-bar table.
  std::vector<float> gpuPacking() const;

  const MlpWeights& weights() const { return weights_; }
  int classes() const { return classes_; }  // the network's K (0: unconditional)
  // The same network asked for class `label` (0..K-1, or K / -1: no class); InputError naming
  // "class" when the network has no classes or the label is out of range.
  std::shared_ptr<const LearnedModel> forClass(int label) const;
  int label() const { return label_; }  // the class asked for (K: none)
  const Objective& objective() const { return objective_; }
  const Embedding& embedding() const { return embedding_; }

 private:
  // No Eigen type in this header: the library compiles Eigen for the build machine's vector units
  // (compute/CMakeLists.txt), its users may not.
  std::vector<float> firstInputs(glm::dvec2 input, double level) const;
  // Layer l of the hidden layers and then the output: out = W in + b, activated when hidden.
  std::vector<float> layer(size_t l, const std::vector<float>& in, bool hidden) const;
  // The last hidden layer's activations, every hidden layer's into `every` when given.
  std::vector<float> hidden(glm::dvec2 input, double level,
                            std::vector<std::vector<float>>* every) const;
  int classes_, label_;
  MlpWeights conditional_;  // the weights as trained, with the class inputs (classes_ > 0)
  MlpWeights weights_;
  Objective objective_;
  Embedding embedding_;
  std::vector<std::vector<float>> w_, b_;  // row-major out x in, and out, a layer
  std::vector<int> in_, out_;
};

// A copy of `data` whose model is `model` (Dataset::learned), named `name` in captions.
std::shared_ptr<const Dataset> withLearnedModel(const std::shared_ptr<const Dataset>& data,
                                                std::shared_ptr<const LearnedModel> model,
                                                const std::string& name);

}  // namespace flowscope
