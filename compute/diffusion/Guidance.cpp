#include "Guidance.h"

#include <cmath>

#include "InputError.h"
#include "LearnedModel.h"
#include "Limits.h"

namespace flowscope {
namespace {

std::string number(double v) {
  return formatNumber(v);
}

void validateClass(int label, const Dataset& data) {
  if (data.coupling)
    throw InputError("class: a flow-matching coupling's model has no classes (coupling none)");
  const int k = guidanceClasses(data);
  if (k == 0)
    throw InputError(data.learned ? "class: the network was trained without classes (train "
                                    "--conditional)"
                                  : "class: the data has no class labels (a mixture's "
                                    "\"labels\", a CSV's label column)");
  if (label < 0 || label >= k)
    throw InputError("class: " + std::to_string(label) + " is not a class of the " +
                     (data.learned ? "network" : "data") + " (0.." + std::to_string(k - 1) + ")");
}

// gamma and the interval combined: u + g (c - u), a non-finite logp left to the side that counts.
double combined(double u, double c, double g) {
  if (std::isfinite(u) && std::isfinite(c)) return u + g * (c - u);
  return g == 0.0 ? u : c;
}

}  // namespace

bool GuidanceSpec::activeAt(double s, double tau) const {
  const double sigma = s > 0.0 ? tau / s : INFINITY;
  return sigma >= sigmaLo && sigma <= sigmaHi;
}

void validateRanges(const GuidanceSpec& g) {
  if (!(g.scale >= 0.0 && g.scale <= kMaxGuidance))
    throw InputError("guidance: gamma must be between 0 and " + number(kMaxGuidance) + " (got " +
                     number(g.scale) + ")");
  if (!(g.sigmaLo >= 0.0 && g.sigmaLo < g.sigmaHi) || std::isnan(g.sigmaHi))
    throw InputError("guidance_interval: needs 0 <= sigma_lo < sigma_hi (got " + number(g.sigmaLo) +
                     ", " + number(g.sigmaHi) + ")");
  if (!(g.autoguidance >= 1.0 && g.autoguidance <= kMaxAutoguidance))
    throw InputError("autoguidance: the covariance factor must be between 1 (off) and " +
                     number(kMaxAutoguidance) + " (got " + number(g.autoguidance) + ")");
}

void validate(const GuidanceSpec& g, const Dataset& data) {
  validateRanges(g);
  if (!g.conditional()) {
    if (g.scale != 1.0 || g.autoguided() || g.sigmaLo > 0.0 || std::isfinite(g.sigmaHi))
      throw InputError("class: guidance needs a class to guide toward");
    return;
  }
  validateClass(g.classLabel, data);
  if (g.autoguided() && (data.learned || !data.mixture))
    throw InputError(
        "autoguidance: needs mixture data (its weak model inflates the class's covariances; a "
        "point cloud or a network has none)");
}

GaussianMixture mixtureOfClass(const GaussianMixture& m, int label) {
  std::vector<MixtureComponent> comps;
  for (size_t k = 0; k < m.components().size(); ++k)
    if (k < m.labels().size() && m.labels()[k] == label) comps.push_back(m.components()[k]);
  if (comps.empty()) throw InputError("class: no component has label " + std::to_string(label));
  GaussianMixture out(std::move(comps), "class " + std::to_string(label));
  out.setLabels(std::vector<int>(out.components().size(), label));
  return out;
}

std::vector<glm::dvec2> pointsOfClass(const Dataset& data, int label) {
  std::vector<glm::dvec2> out;
  const auto& pts = data.points->points();
  for (size_t i = 0; i < pts.size() && i < data.pointLabels.size(); ++i)
    if (data.pointLabels[i] == label) out.push_back(pts[i]);
  if (out.empty()) throw InputError("class: no point has label " + std::to_string(label));
  return out;
}

GaussianMixture inflated(const GaussianMixture& m, double factor) {
  std::vector<MixtureComponent> comps = m.components();
  for (auto& c : comps) {
    c.a *= factor;
    c.b *= factor;
    c.c *= factor;
  }
  GaussianMixture out(std::move(comps), "inflated");
  out.setLabels(m.labels());
  return out;
}

ExactClassModels exactClassModels(const Dataset& data, const GuidanceSpec& g) {
  if (data.mixture) {
    auto c = std::make_shared<const GaussianMixture>(mixtureOfClass(*data.mixture, g.classLabel));
    if (g.autoguided())
      return {c, std::make_shared<const GaussianMixture>(inflated(*c, g.autoguidance))};
    return {c, std::make_shared<const GaussianMixture>(*data.mixture)};
  }
  return {std::make_shared<const EmpiricalModel>(pointsOfClass(data, g.classLabel),
                                                 "class " + std::to_string(g.classLabel)),
          std::make_shared<const EmpiricalModel>(*data.points)};
}

GuidedModel::GuidedModel(std::shared_ptr<const ExactModel> conditional,
                         std::shared_ptr<const ExactModel> guide, const GuidanceSpec& spec)
    : conditional_(std::move(conditional)), guide_(std::move(guide)), spec_(spec) {}

ExactModel::Evaluation GuidedModel::evaluate(glm::dvec2 x, double s, double tau) const {
  const Evaluation c = conditional_->evaluate(x, s, tau);
  // gamma = 1 and levels outside the interval: the conditional model alone (one evaluation).
  if (spec_.scale == 1.0 || !spec_.activeAt(s, tau)) return c;
  const Evaluation u = guide_->evaluate(x, s, tau);
  const double g = spec_.scale;
  return {combined(u.logp, c.logp, g), u.denoised + g * (c.denoised - u.denoised),
          u.score + g * (c.score - u.score)};
}

std::shared_ptr<const Dataset> withGuidance(const std::shared_ptr<const Dataset>& data,
                                            const GuidanceSpec& spec) {
  validate(spec, *data);
  if (!spec.conditional()) return data;
  ExactClassModels parts;
  if (data->learned) {
    const auto& m = dynamic_cast<const LearnedModel&>(*data->learned);
    parts = {m.forClass(spec.classLabel), m.forClass(m.classes())};
  } else {
    parts = exactClassModels(*data, spec);
  }
  auto out = std::make_shared<Dataset>(*data);
  out->guided = std::make_shared<const GuidedModel>(parts.conditional, parts.guide, spec);
  return out;
}

int guidanceClasses(const Dataset& data) {
  if (data.coupling) return 0;
  if (data.learned) {
    const auto* m = dynamic_cast<const LearnedModel*>(data.learned.get());
    return m ? m->classes() : 0;
  }
  return data.classCount();
}

std::string guidanceConvention() {
  return "guided D = D_u + gamma (D_c - D_u) (Ho & Salimans, as diffusers writes it): gamma 0 "
         "unconditional, 1 conditional, > 1 extrapolated; the other convention is w = gamma - 1, "
         "D = D_c + w (D_c - D_u). The same combination for eps, score and velocity. Interval: "
         "guidance only for sigma = tau / s in [lo, hi], the conditional model elsewhere. "
         "Autoguidance: D_u is class c's own mixture with covariances x F";
}

}  // namespace flowscope
