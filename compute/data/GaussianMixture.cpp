#include "GaussianMixture.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "InputError.h"
#include "JsonFile.h"
#include "Limits.h"
#include "Rng.h"

namespace flowscope {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& field,
                       const std::string& why) {
  throw InputError(source + ": field '" + field + "': " + why);
}

double number(const json& j, const std::string& source, const std::string& field) {
  if (!j.is_number()) fail(source, field, "expected a number");
  double v = j.get<double>();
  if (!std::isfinite(v)) fail(source, field, "must be finite");
  return v;
}

glm::dvec2 pair(const json& j, const std::string& source, const std::string& field) {
  if (!j.is_array() || j.size() != 2) fail(source, field, "expected [x, y]");
  return {number(j[0], source, field + "[0]"), number(j[1], source, field + "[1]")};
}

// The accepted ranges (Limits.h): weights 0..1e15, means within the coordinates, variances
// 1e-12..1e12 and a correlation below 1 - 1e-9.
void checkComponent(const MixtureComponent& c, const std::string& source, size_t k) {
  const std::string idx = "[" + std::to_string(k) + "]";
  if (!(c.weight >= 0.0 && c.weight <= limits::kMaxWeight))
    fail(source, "weights" + idx,
         "weights must be between 0 and " + formatNumber(limits::kMaxWeight) + " (got " +
             formatNumber(c.weight) + ")");
  try {
    requirePoint("mean", c.mean.x, c.mean.y);
  } catch (const InputError& e) {
    fail(source, "means" + idx, std::string(e.what()).substr(6));
  }
  const std::string component = "component " + std::to_string(k) + ": ";
  if (!(c.a > 0.0) || !(c.a * c.c - c.b * c.b > 0.0) || !std::isfinite(c.a * c.c))
    fail(source, "covariances" + idx, component + "covariance is not symmetric positive definite");
  for (double v : {c.a, c.c})
    if (!(v >= limits::kMinVariance && v <= limits::kMaxVariance))
      fail(source, "covariances" + idx,
           component + "variances must be between " + formatNumber(limits::kMinVariance) + " and " +
               formatNumber(limits::kMaxVariance) + " (got " + formatNumber(v) + ")");
  if (!(std::abs(c.b) <= limits::kMaxCorrelation * std::sqrt(c.a * c.c)))
    fail(source, "covariances" + idx,
         component + "covariance is numerically singular (correlation above 1 - 1e-9)");
}

}  // namespace

GaussianMixture::GaussianMixture(std::vector<MixtureComponent> components,
                                 const std::string& source)
    : components_(std::move(components)) {
  if (components_.empty()) fail(source, "weights", "a mixture needs at least one component");
  if (components_.size() > kMaxComponents)
    fail(source, "weights", "at most " + std::to_string(kMaxComponents) + " components");
  double total = 0.0;
  for (size_t k = 0; k < components_.size(); ++k) {
    const auto& c = components_[k];
    std::string idx = "[" + std::to_string(k) + "]";
    checkComponent(c, source, k);
    total += c.weight;
  }
  if (!(total > 0.0)) fail(source, "weights", "weights sum to zero");
  for (auto& c : components_) c.weight /= total;
}

GaussianMixture GaussianMixture::fromJson(const json& j, const std::string& source) {
  if (!j.is_object()) throw InputError(source + ": expected a JSON object");
  if (!j.contains("type") || j["type"] != "gmm") fail(source, "type", "must be \"gmm\"");
  for (const char* key : {"weights", "means", "covariances"})
    if (!j.contains(key) || !j[key].is_array()) fail(source, key, "missing or not an array");
  const json &w = j["weights"], &m = j["means"], &cov = j["covariances"];
  if (m.size() != w.size() || cov.size() != w.size())
    fail(source, "means",
         "weights, means and covariances must have the same length (" + std::to_string(w.size()) +
             ", " + std::to_string(m.size()) + ", " + std::to_string(cov.size()) + ")");
  std::vector<MixtureComponent> comps(w.size());
  for (size_t k = 0; k < w.size(); ++k) {
    std::string idx = "[" + std::to_string(k) + "]";
    comps[k].weight = number(w[k], source, "weights" + idx);
    comps[k].mean = pair(m[k], source, "means" + idx);
    const json& c = cov[k];
    if (!c.is_array() || c.size() != 2)
      fail(source, "covariances" + idx, "expected [[a, b], [b, c]]");
    glm::dvec2 r0 = pair(c[0], source, "covariances" + idx + "[0]");
    glm::dvec2 r1 = pair(c[1], source, "covariances" + idx + "[1]");
    double scale = std::max({std::abs(r0.x), std::abs(r1.y), 1e-300});
    if (std::abs(r0.y - r1.x) > 1e-9 * scale)
      fail(source, "covariances" + idx,
           "component " + std::to_string(k) + ": covariance is not symmetric positive definite");
    comps[k].a = r0.x;
    comps[k].b = r0.y;
    comps[k].c = r1.y;
  }
  GaussianMixture mixture(std::move(comps), source);
  if (j.contains("labels")) {
    const json& l = j["labels"];
    if (!l.is_array()) fail(source, "labels", "expected an array of integers, one per component");
    std::vector<int> labels;
    for (size_t k = 0; k < l.size(); ++k) {
      if (!l[k].is_number_integer())
        fail(source, "labels[" + std::to_string(k) + "]", "expected an integer");
      labels.push_back(l[k].get<int>());
    }
    mixture.setLabels(std::move(labels), source);
  }
  return mixture;
}

void GaussianMixture::setLabels(std::vector<int> labels, const std::string& source) {
  if (!labels.empty() && labels.size() != components_.size())
    fail(source, "labels",
         std::to_string(labels.size()) + " labels for " + std::to_string(components_.size()) +
             " components: one per component");
  for (size_t k = 0; k < labels.size(); ++k)
    if (labels[k] < 0 || labels[k] >= kMaxClasses)
      fail(source, "labels[" + std::to_string(k) + "]",
           "a class between 0 and " + std::to_string(kMaxClasses - 1));
  labels_ = std::move(labels);
}

int GaussianMixture::classCount() const {
  return labels_.empty() ? 0 : *std::max_element(labels_.begin(), labels_.end()) + 1;
}

GaussianMixture GaussianMixture::load(const std::string& path) {
  return fromJson(readJsonFile(path), path);
}

GaussianMixture GaussianMixture::ring(int count, double radius) {
  std::vector<MixtureComponent> comps;
  for (int k = 0; k < count; ++k) {
    double angle = 2.0 * std::numbers::pi * k / count;
    glm::dvec2 dir{std::cos(angle), std::sin(angle)};
    // Elongated along the ring's tangent so the full covariances show.
    double along = 0.09, across = 0.02;
    MixtureComponent c;
    // Rounded to 12 decimals so scene files read 0.055, not 0.05499999999999999.
    auto round12 = [](double v) { return std::round(v * 1e12) / 1e12 + 0.0; };
    c.mean = {round12(radius * dir.x), round12(radius * dir.y)};
    c.a = round12(across * dir.x * dir.x + along * dir.y * dir.y);
    c.b = round12((across - along) * dir.x * dir.y);
    c.c = round12(across * dir.y * dir.y + along * dir.x * dir.x);
    comps.push_back(c);
  }
  GaussianMixture out(std::move(comps), "ring");
  std::vector<int> labels;  // four classes of adjacent components (pairs of the ring of 8)
  for (int k = 0; k < count; ++k) labels.push_back(std::min(3, k * 4 / count));
  out.setLabels(std::move(labels));
  return out;
}

json GaussianMixture::toJson() const {
  json w = json::array(), m = json::array(), cov = json::array();
  for (const auto& c : components_) {
    w.push_back(c.weight);
    m.push_back({c.mean.x, c.mean.y});
    cov.push_back({{c.a, c.b}, {c.b, c.c}});
  }
  json j{{"type", "gmm"}, {"weights", w}, {"means", m}, {"covariances", cov}};
  if (!labels_.empty()) j["labels"] = labels_;
  return j;
}

ExactModel::Evaluation GaussianMixture::evaluate(glm::dvec2 x, double s, double tau) const {
  // Same streaming log-sum-exp as shaders/gmm.glsl, in double.
  const double s2 = s * s, t2 = tau * tau;
  const double log2pi = std::log(2.0 * std::numbers::pi);
  double m = -INFINITY, total = 0.0;
  glm::dvec2 accD{0.0}, accS{0.0};
  for (const auto& c : components_) {
    if (c.weight == 0.0) continue;  // log(0) would poison the running maximum
    double a = s2 * c.a + t2, b = s2 * c.b, d = s2 * c.c + t2;
    double det = a * d - b * b;
    glm::dvec2 r = x - s * c.mean;
    glm::dvec2 sr = glm::dvec2(d * r.x - b * r.y, -b * r.x + a * r.y) / det;
    double l = std::log(c.weight) - log2pi - 0.5 * std::log(det) - 0.5 * glm::dot(r, sr);
    glm::dvec2 dk = c.mean + s * glm::dvec2(c.a * sr.x + c.b * sr.y, c.b * sr.x + c.c * sr.y);
    if (l > m) {
      double rescale = std::exp(m - l);
      total = total * rescale + 1.0;
      accD = accD * rescale + dk;
      accS = accS * rescale - sr;
      m = l;
    } else {
      double w = std::exp(l - m);
      total += w;
      accD += w * dk;
      accS -= w * sr;
    }
  }
  return {m + std::log(total), accD / total, accS / total};
}

glm::dmat2 GaussianMixture::denoiserJacobian(glm::dvec2 x, double s, double tau) const {
  const double s2 = s * s, t2 = tau * tau;
  std::vector<double> logw(components_.size(), -INFINITY);
  std::vector<glm::dvec2> means(components_.size());
  std::vector<glm::dmat2> covs(components_.size());
  double top = -INFINITY;
  for (size_t k = 0; k < components_.size(); ++k) {
    const MixtureComponent& c = components_[k];
    if (c.weight == 0.0) continue;
    const glm::dmat2 C(c.a, c.b, c.b, c.c);
    const glm::dmat2 A = s2 * C + glm::dmat2(t2);
    const glm::dmat2 Ai = glm::inverse(A);
    const glm::dvec2 r = x - s * c.mean;
    logw[k] = std::log(c.weight) - 0.5 * std::log(glm::determinant(A)) - 0.5 * glm::dot(r, Ai * r);
    means[k] = c.mean + s * (C * (Ai * r));
    covs[k] = C - s2 * C * Ai * C;
    top = std::max(top, logw[k]);
  }
  double total = 0.0;
  glm::dvec2 d(0.0);
  glm::dmat2 second(0.0);
  for (size_t k = 0; k < components_.size(); ++k) {
    if (logw[k] == -INFINITY) continue;
    const double w = std::exp(logw[k] - top);
    total += w;
    d += w * means[k];
    second += w * (covs[k] + glm::outerProduct(means[k], means[k]));
  }
  d /= total;
  const glm::dmat2 cov = second / total - glm::outerProduct(d, d);
  return (s / t2) * cov;
}

double GaussianMixture::peakLogDensity(double sigma) const {
  double best = -INFINITY;
  for (const auto& c : components_) best = std::max(best, logDensity(c.mean, sigma));
  return best;
}

glm::dvec2 GaussianMixture::mean() const {
  glm::dvec2 mu{0.0};
  for (const auto& c : components_) mu += c.weight * c.mean;
  return mu;
}

glm::dmat2 GaussianMixture::covariance() const {
  glm::dvec2 mu = mean();
  glm::dmat2 cov(0.0);
  for (const auto& c : components_) {
    glm::dvec2 d = c.mean - mu;
    cov[0][0] += c.weight * (c.a + d.x * d.x);
    cov[1][1] += c.weight * (c.c + d.y * d.y);
    cov[0][1] += c.weight * (c.b + d.x * d.y);
  }
  cov[1][0] = cov[0][1];
  return cov;
}

std::vector<glm::dvec2> GaussianMixture::sample(size_t n, uint64_t seed,
                                                std::vector<int>* labels) const {
  Pcg32 rng(seed, 7u);
  std::vector<glm::dvec2> out(n);
  if (labels) labels->assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    glm::dvec2& x = out[i];
    double u = rng.uniform(), acc = 0.0;
    const MixtureComponent* chosen = &components_.back();
    for (const auto& c : components_) {
      acc += c.weight;
      if (u < acc) {
        chosen = &c;
        break;
      }
    }
    if (labels && !labels_.empty()) (*labels)[i] = labels_[size_t(chosen - components_.data())];
    // Cholesky factor of [[a, b], [b, c]].
    double l00 = std::sqrt(chosen->a), l10 = chosen->b / l00;
    double l11 = std::sqrt(chosen->c - l10 * l10);
    double z0 = rng.normal(), z1 = rng.normal();
    x = chosen->mean + glm::dvec2(l00 * z0, l10 * z0 + l11 * z1);
  }
  return out;
}

std::vector<GpuMixtureComponent> GaussianMixture::gpuComponents() const {
  std::vector<GpuMixtureComponent> out;
  for (const auto& c : components_)
    out.push_back({{float(c.mean.x), float(c.mean.y)},
                   float(std::log(c.weight)),
                   0.0f,
                   {float(c.a), float(c.b), float(c.c), 0.0f}});
  return out;
}

}  // namespace flowscope
