#pragma once
// Conditional generation and guidance on exact models (and learned ones trained with classes).
//
// Convention (Ho & Salimans 2022 as diffusers writes it): the guided denoiser is
//   D_g = D_u + gamma (D_c - D_u),
// so gamma = 0 samples the unconditional model, gamma = 1 the conditional one and gamma > 1
// extrapolates away from D_u. The same combination holds for eps, the score and the velocity
// (each is affine in D at a fixed x). The other common convention writes w = gamma - 1:
// D_g = D_c + w (D_c - D_u). The guided score is the score of the tilted density
//   p_c(x)^gamma p_u(x)^(1 - gamma)   at every noise level,
// which is what GuidedModel's logp reports (unnormalised).
//
// Guidance interval (Kynkaenniemi et al. 2024): guidance applies only for sigma = tau / s in
// [sigmaLo, sigmaHi]; outside it the sampler follows the conditional model (gamma = 1).
// Autoguidance (Karras et al. 2024): D_u is replaced by a weaker version of the conditional model
// itself: for a mixture, class c's components with their covariances multiplied by `autoguidance`
// (> 1). Point clouds and networks have no covariances to inflate and refuse it.
#include <limits>
#include <memory>
#include <string>

#include "Dataset.h"
#include "ExactModel.h"

namespace flowscope {

struct GuidanceSpec {
  int classLabel = -1;  // the class c; -1: no class (unguided)
  double scale = 1.0;   // gamma, 0..20
  double sigmaLo = 0.0, sigmaHi = std::numeric_limits<double>::infinity();
  double autoguidance = 1.0;  // covariance factor of the weak model, 1 (off) or 1 < F <= 100

  bool conditional() const { return classLabel >= 0; }
  bool autoguided() const { return autoguidance != 1.0; }
  // Whether guidance applies at this level (the interval; sigma = tau / s, s = 0 is sigma = inf).
  bool activeAt(double s, double tau) const;
  bool operator==(const GuidanceSpec&) const = default;
};

inline constexpr double kMaxGuidance = 20.0, kMaxAutoguidance = 100.0;

// The ranges alone (gamma, interval, factor): InputError naming the field.
void validateRanges(const GuidanceSpec& g);
// Ranges and combinations, against `data`'s classes: InputError naming the field ("class",
// "guidance", "guidance_interval", "autoguidance").
void validate(const GuidanceSpec& g, const Dataset& data);

// The exact models class c restricts the data to: a mixture's components of class c (weights
// renormalised), a point cloud's points of class c. InputError naming "class" when there are none.
GaussianMixture mixtureOfClass(const GaussianMixture& m, int label);
std::vector<glm::dvec2> pointsOfClass(const Dataset& data, int label);
// The mixture with every covariance multiplied by `factor` (autoguidance's weak model).
GaussianMixture inflated(const GaussianMixture& m, double factor);
// The exact data's conditional model for g's class and its guide (the whole data, or with
// autoguidance the class inflated): what a guided exact model combines, and what the tilted
// target is made of also when a network is the run's model.
struct ExactClassModels {
  std::shared_ptr<const ExactModel> conditional, guide;
};
ExactClassModels exactClassModels(const Dataset& data, const GuidanceSpec& g);

class GuidedModel : public ExactModel {
 public:
  // `conditional` is D_c, `guide` D_u (or autoguidance's weak model).
  GuidedModel(std::shared_ptr<const ExactModel> conditional,
              std::shared_ptr<const ExactModel> guide, const GuidanceSpec& spec);
  Evaluation evaluate(glm::dvec2 x, double s, double tau) const override;
  size_t terms() const override { return conditional_->terms() + guide_->terms(); }
  const ExactModel& conditional() const { return *conditional_; }
  const ExactModel& guide() const { return *guide_; }
  const GuidanceSpec& spec() const { return spec_; }

 private:
  std::shared_ptr<const ExactModel> conditional_, guide_;
  GuidanceSpec spec_;
};

// A copy of `data` whose model is guided toward class spec.classLabel (Dataset::guided), built from
// the data's model: mixture, point cloud, or a learned model trained with classes. `data` unchanged
// (and returned as is) when the spec has no class. Validates first.
std::shared_ptr<const Dataset> withGuidance(const std::shared_ptr<const Dataset>& data,
                                            const GuidanceSpec& spec);

// The classes guidance can ask `data` for: a learned model's (trained with classes), else the
// data's labels' (Dataset::classCount); 0 when none.
int guidanceClasses(const Dataset& data);

// The guidance convention, one line, for --help, the panel and the README.
std::string guidanceConvention();

}  // namespace flowscope
