#include "LearnedModel.h"

#include <Eigen/Core>

#include <cmath>
#include <limits>

#include "Activations.h"
#include "InputError.h"
#include "InputFile.h"
#include "ReferenceMlp.h"

namespace flowscope {
namespace {

// The objective of a network that maps 2-D points to 2-D outputs; InputError otherwise.
const ObjectiveSpec& objectiveOf(const MlpWeights& w, const std::string& source) {
  if (!w.objective)
    throw InputError(source +
                     ": no metadata flowscope_objective: the file does not say what the network "
                     "predicts (edm, ddpm-eps, ddpm-v or flow)");
  if (w.spec.inputs != 2 || w.spec.outputs != 2)
    throw InputError(source + ": the network maps " + std::to_string(w.spec.inputs) + " to " +
                     std::to_string(w.spec.outputs) + " values; a model of 2-D data maps 2 to 2");
  return *w.objective;
}

float activated(Activation a, float z) {
  switch (a) {
    case Activation::Relu:
      return z > 0.0f ? z : 0.0f;
    case Activation::Silu:
      return z / (1.0f + std::exp(-z));
    case Activation::Gelu:
      return 0.5f * z * (1.0f + std::erf(z * 0.70710678f));
    case Activation::Tanh:
      return std::tanh(z);
    case Activation::Elu:
      return z > 0.0f ? z : std::expm1(z);
  }
  return z;
}

}  // namespace

LearnedModel::LearnedModel(MlpWeights weights, const std::string& source, int label)
    : classes_(weights.spec.classes),
      label_(label < 0 ? classes_ : label),
      conditional_(classes_ > 0 ? weights : MlpWeights{}),
      weights_(withClassFolded(weights, label_)),
      objective_(objectiveOf(weights_, source)),
      embedding_(weights_.frequencies.empty() ? Embedding(weights_.spec.embedding)
                                              : Embedding(weights_.frequencies)) {
  const MlpLayout layout = layoutOf(weights_.spec);
  if (weights_.parameters.size() != layout.count)
    throw InputError(source + ": " + std::to_string(weights_.parameters.size()) +
                     " weights, the network has " + std::to_string(layout.count));
  for (const auto& l : layout.layers) {
    const auto at = weights_.parameters.begin();
    w_.emplace_back(at + long(l.weights), at + long(l.bias));
    b_.emplace_back(at + long(l.bias), at + long(l.bias) + l.out);
    in_.push_back(l.in);
    out_.push_back(l.out);
  }
}

std::shared_ptr<const LearnedModel> LearnedModel::load(const std::string& path) {
  return std::make_shared<const LearnedModel>(decodeMlp(readInputFile(path), path), path);
}

std::shared_ptr<const LearnedModel> LearnedModel::forClass(int label) const {
  if (classes_ == 0)
    throw InputError("class: the network was trained without classes (train --conditional)");
  if (label > classes_)
    throw InputError("class: " + std::to_string(label) + " is not a class of the network (0.." +
                     std::to_string(classes_ - 1) + ", or " + std::to_string(classes_) +
                     " for none)");
  return std::make_shared<const LearnedModel>(conditional_, "weights", label);
}

std::vector<float> LearnedModel::firstInputs(glm::dvec2 input, double level) const {
  const int e = weights_.spec.embeddingWidth();
  std::vector<float> a(size_t(2 + e));
  a[0] = float(input.x);
  a[1] = float(input.y);
  if (e > 0) {
    std::vector<double> f(static_cast<size_t>(e));
    embedding_.features(level, f);
    for (int k = 0; k < e; ++k) a[size_t(2 + k)] = float(f[size_t(k)]);
  }
  return a;
}

std::vector<float> LearnedModel::layer(size_t l, const std::vector<float>& in, bool hidden) const {
  using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const Rows> w(w_[l].data(), out_[l], in_[l]);
  std::vector<float> out(b_[l]);
  Eigen::Map<Eigen::VectorXf> z(out.data(), out_[l]);
  z.noalias() += w * Eigen::Map<const Eigen::VectorXf>(in.data(), in_[l]);
  if (hidden)
    for (float& v : out) v = activated(weights_.spec.activation, v);
  return out;
}

std::vector<float> LearnedModel::hidden(glm::dvec2 input, double level,
                                        std::vector<std::vector<float>>* every) const {
  std::vector<float> a = firstInputs(input, level);
  const MlpSpec& spec = weights_.spec;
  for (int l = 0; l < spec.depth; ++l) {
    std::vector<float> z = layer(size_t(l), a, true);
    if (spec.residual && l > 0)
      for (size_t k = 0; k < z.size(); ++k) z[k] += a[k];
    a = std::move(z);
    if (every) every->push_back(a);
  }
  return a;
}

std::vector<std::vector<float>> LearnedModel::hiddenActivations(glm::dvec2 input,
                                                                double level) const {
  std::vector<std::vector<float>> out;
  hidden(input, level, &out);
  return out;
}

glm::dvec2 LearnedModel::network(glm::dvec2 input, double level) const {
  const std::vector<float> y =
      layer(size_t(weights_.spec.depth), hidden(input, level, nullptr), false);
  return {y[0], y[1]};
}

std::vector<float> LearnedModel::gpuPacking() const {
  const MlpSpec& spec = weights_.spec;
  const std::vector<double>& table = objective_.alphaBar();
  std::vector<float> out = {float(spec.depth),
                            float(spec.width),
                            float(spec.embeddingWidth() / 2),
                            float(int(spec.activation)),
                            spec.residual ? 1.0f : 0.0f,
                            float(int(objective_.spec().kind)),
                            float(objective_.spec().sigmaData),
                            float(table.size())};
  for (double f : embedding_.frequencies()) out.push_back(float(f));
  for (double p : weights_.parameters) out.push_back(float(p));
  for (double a : table) out.push_back(float(a));
  if (out.size() % 2) out.push_back(0.0f);  // whole vec2s
  return out;
}

ExactModel::Evaluation LearnedModel::evaluate(glm::dvec2 x, double s, double tau) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!(tau > 0.0)) return {nan, x / s, glm::dvec2(nan)};
  const Objective::Query q = objective_.query(x, s, tau);
  const glm::dvec2 d = objective_.denoised(x, s, tau, network(q.input, q.level));
  return {nan, d, (s * d - x) / (tau * tau)};
}

glm::dmat2 LearnedModel::networkJacobian(glm::dvec2 input, double level) const {
  // Tangents of the two input coordinates carried through each layer: t' = act'(z) (W t) (+ t).
  const MlpSpec& spec = weights_.spec;
  std::vector<float> a = firstInputs(input, level);
  std::vector<std::vector<double>> t(2, std::vector<double>(a.size(), 0.0));
  t[0][0] = 1.0;
  t[1][1] = 1.0;
  for (int l = 0; l <= spec.depth; ++l) {
    const bool hidden = l < spec.depth;
    const std::vector<float> z = layer(size_t(l), a, false);
    std::vector<std::vector<double>> nt(2, std::vector<double>(z.size(), 0.0));
    std::vector<float> na(z.size());
    for (size_t o = 0; o < z.size(); ++o) {
      const double slope = hidden ? activationSlope(spec.activation, z[o]) : 1.0;
      const float* w = w_[size_t(l)].data() + o * size_t(in_[size_t(l)]);
      for (int c = 0; c < 2; ++c) {
        double sum = 0.0;
        for (int i = 0; i < in_[size_t(l)]; ++i) sum += double(w[i]) * t[size_t(c)][size_t(i)];
        nt[size_t(c)][o] = slope * sum;
      }
      na[o] = hidden ? activated(spec.activation, z[o]) : z[o];
    }
    if (hidden && spec.residual && l > 0)
      for (size_t o = 0; o < z.size(); ++o) {
        na[o] += a[o];
        for (int c = 0; c < 2; ++c) nt[size_t(c)][o] += t[size_t(c)][o];
      }
    a = std::move(na);
    t = std::move(nt);
  }
  return glm::dmat2(t[0][0], t[0][1], t[1][0], t[1][1]);
}

glm::dmat2 LearnedModel::denoiserJacobian(glm::dvec2 x, double s, double tau) const {
  const Objective::Query q = objective_.query(x, s, tau);
  const double cIn = objective_.query({1.0, 0.0}, s, tau).input.x;
  const double cSkip = objective_.denoised({1.0, 0.0}, s, tau, glm::dvec2(0.0)).x;
  const double cOut = objective_.denoised(glm::dvec2(0.0), s, tau, {1.0, 0.0}).x;
  return glm::dmat2(cSkip) + (cOut * cIn) * networkJacobian(q.input, q.level);
}

std::shared_ptr<const Dataset> withLearnedModel(const std::shared_ptr<const Dataset>& data,
                                                std::shared_ptr<const LearnedModel> model,
                                                const std::string& name) {
  auto out = std::make_shared<Dataset>(*data);
  out->coupling.reset();
  out->learned = std::move(model);
  out->learnedName = name;
  return out;
}

}  // namespace flowscope
