#pragma once
// A 2-D Gaussian mixture with full covariances and its exact diffusion quantities under the
// variance-exploding noising x = x0 + sigma * eps (EDM): p_sigma = sum_k w_k N(mu_k, C_k + s^2 I).
#include <glm/glm.hpp>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "ExactModel.h"
#include "ShaderLayout.h"

namespace flowscope {

struct MixtureComponent {
  double weight = 1.0;  // normalised
  glm::dvec2 mean{0.0};
  double a = 1.0, b = 0.0, c = 1.0;  // covariance [[a, b], [b, c]]
};

// std430 layout of shaders/gmm.glsl's Component.
struct GpuMixtureComponent {
  float mean[2];
  float logWeight;
  float pad;
  float cov[4];
};
FLOWSCOPE_SHADER_SIZE(GpuMixtureComponent, 32);  // = Component in gmm.glsl (std430)
FLOWSCOPE_SHADER_OFFSET(GpuMixtureComponent, mean, 0);
FLOWSCOPE_SHADER_OFFSET(GpuMixtureComponent, logWeight, 8);
FLOWSCOPE_SHADER_OFFSET(GpuMixtureComponent, pad, 12);
FLOWSCOPE_SHADER_OFFSET(GpuMixtureComponent, cov, 16);

class GaussianMixture : public ExactModel {
 public:
  static constexpr size_t kMaxComponents = 64;
  static constexpr int kMaxClasses = 64;

  // Validates and normalises; throws InputError naming `source` and the field.
  static GaussianMixture fromJson(const nlohmann::json& j, const std::string& source);
  static GaussianMixture load(const std::string& path);
  // The default scene's data: 8 anisotropic Gaussians on a ring of radius 2.5, in four classes
  // of adjacent components (k * 4 / count: pairs of the ring of 8).
  static GaussianMixture ring(int count = 8, double radius = 2.5);

  explicit GaussianMixture(std::vector<MixtureComponent> components,
                           const std::string& source = "mixture");
  nlohmann::json toJson() const;

  const std::vector<MixtureComponent>& components() const { return components_; }
  // x = s * x0 + tau * eps: component k is N(s mu_k, s^2 C_k + tau^2 I), and
  // E[x0 | x, k] = mu_k + s C_k (s^2 C_k + tau^2 I)^-1 (x - s mu_k). At s = 0 (flow at t = 1) the
  // posterior is the prior.
  Evaluation evaluate(glm::dvec2 x, double s, double tau) const override;
  size_t terms() const override { return components_.size(); }
  // s Cov[x0 | x] / tau^2: the components' posterior weights, means m_k and covariances
  // C_k - s^2 C_k (s^2 C_k + tau^2 I)^-1 C_k; Cov = sum_k pi_k (C'_k + m_k m_k^T) - D D^T.
  glm::dmat2 denoiserJacobian(glm::dvec2 x, double s, double tau) const override;
  bool exactJacobian() const override { return true; }
  Evaluation evaluate(glm::dvec2 x, double sigma) const { return evaluate(x, 1.0, sigma); }
  using ExactModel::denoise;
  double logDensity(glm::dvec2 x, double sigma) const { return evaluate(x, sigma).logp; }
  glm::dvec2 denoise(glm::dvec2 x, double sigma) const { return evaluate(x, sigma).denoised; }
  glm::dvec2 score(glm::dvec2 x, double sigma) const { return evaluate(x, sigma).score; }
  // Highest component peak of log p_sigma: the top of the heatmap's colour range.
  double peakLogDensity(double sigma) const;

  glm::dvec2 mean() const;
  glm::dmat2 covariance() const;
  // Seeded draws; `labels` (when given) receives each draw's class (its component's label).
  std::vector<glm::dvec2> sample(size_t n, uint64_t seed, std::vector<int>* labels = nullptr) const;
  std::vector<GpuMixtureComponent> gpuComponents() const;

  // Class labels, one integer in 0..kMaxClasses-1 per component (the JSON's optional "labels"),
  // or none. InputError naming `source` and "labels" on a wrong length or value.
  void setLabels(std::vector<int> labels, const std::string& source = "mixture");
  const std::vector<int>& labels() const { return labels_; }
  int classCount() const;  // the largest label + 1; 0 without labels

 private:
  std::vector<MixtureComponent> components_;
  std::vector<int> labels_;
};

}  // namespace flowscope
