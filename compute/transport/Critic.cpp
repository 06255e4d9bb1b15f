#include "Critic.h"

#include <algorithm>
#include <cmath>

#include "EnumNames.h"
#include "InputError.h"

namespace flowscope {
namespace {

constexpr NamedValue<LipschitzMethod> kMethods[] = {{LipschitzMethod::None, "none"},
                                                    {LipschitzMethod::Clip, "clip"},
                                                    {LipschitzMethod::Penalty, "gp"},
                                                    {LipschitzMethod::Spectral, "sn"}};

MlpSpec networkOf(const CriticSpec& s) {
  return planeNetwork(1, s.width, s.depth, s.activation, s.seed);
}

template <class V>
void normalise(V& v) {
  double s = 0.0;
  for (float x : v) s += double(x) * x;
  const double n = std::max(std::sqrt(s), 1e-12);
  for (float& x : v) x = float(x / n);
}

}  // namespace

MlpSpec planeNetwork(int outputs, int width, int depth, Activation activation, uint64_t seed) {
  MlpSpec n;
  n.inputs = 2;
  n.outputs = outputs;
  n.width = width;
  n.depth = depth;
  n.activation = activation;
  n.embedding.kind = EmbeddingKind::None;
  n.embedding.width = 0;
  n.seed = seed;
  return n;
}

AdamOptions wganAdam(double learningRate) {
  AdamOptions o;
  o.learningRate = learningRate;
  o.beta1 = 0.5;
  o.beta2 = 0.9;
  return o;
}

std::string lipschitzName(LipschitzMethod m) {
  return nameIn(kMethods, m);
}
LipschitzMethod parseLipschitz(const std::string& name) {
  return parseIn(kMethods, name, "method");
}

void validate(const CriticSpec& s) {
  if (!(s.lambda >= 0.0 && s.lambda <= 1e4)) throw InputError("lambda: between 0 and 10000");
  if (!(s.clip > 0.0 && s.clip <= 10.0)) throw InputError("clip: in (0, 10]");
  if (s.batch < 8 || s.batch > 4096) throw InputError("batch: between 8 and 4096");
  if (!(s.learningRate > 0.0 && s.learningRate <= 1.0))
    throw InputError("learning rate: in (0, 1]");
  validateCritic(networkOf(s));
}

Critic::Critic(const CriticSpec& spec)
    : spec_((validate(spec), spec)),
      net_(networkOf(spec)),
      adam_(layoutOf(networkOf(spec)).count, wganAdam(spec.learningRate)),
      rng_(spec.seed, 77u) {
  const std::vector<double> init = initialParameters(net_.spec());
  params_.assign(init.begin(), init.end());
  if (spec_.method == LipschitzMethod::Clip)
    for (float& p : params_) p = std::clamp(p, float(-spec_.clip), float(spec_.clip));
  if (spec_.method == LipschitzMethod::Spectral) {
    for (const auto& layer : net_.layout().layers) {
      std::vector<float> u(size_t(layer.out));
      for (float& x : u) x = float(rng_.normal());
      normalise(u);
      u_.push_back(std::move(u));
      v_.emplace_back(size_t(layer.in));
      sigma_.push_back(1.0f);
    }
    for (int k = 0; k < 20; ++k) refreshActing(true);  // start near the singular vectors
  }
  refreshActing(false);
}

void Critic::refreshActing(bool iterate) {
  acting_ = params_;
  if (spec_.method != LipschitzMethod::Spectral) return;
  const auto& layers = net_.layout().layers;
  for (size_t l = 0; l < layers.size(); ++l) {
    const auto& L = layers[l];
    const float* W = params_.data() + L.weights;
    auto& u = u_[l];
    auto& v = v_[l];
    if (iterate) {  // v = W^T u / |.|, u = W v / |.|
      std::fill(v.begin(), v.end(), 0.0f);
      for (int i = 0; i < L.out; ++i)
        for (int j = 0; j < L.in; ++j) v[size_t(j)] += W[size_t(i * L.in + j)] * u[size_t(i)];
      normalise(v);
      for (int i = 0; i < L.out; ++i) {
        double s = 0.0;
        for (int j = 0; j < L.in; ++j) s += double(W[size_t(i * L.in + j)]) * v[size_t(j)];
        u[size_t(i)] = float(s);
      }
      normalise(u);
    }
    double sigma = 0.0;  // u^T W v
    for (int i = 0; i < L.out; ++i)
      for (int j = 0; j < L.in; ++j)
        sigma += double(u[size_t(i)]) * W[size_t(i * L.in + j)] * v[size_t(j)];
    sigma_[l] = float(std::max(sigma, 1e-12));
    for (size_t k = 0; k < size_t(L.in * L.out); ++k) acting_[L.weights + k] /= sigma_[l];
  }
}

// dL/dW = (dL/dW_hat - <dL/dW_hat, W_hat> u v^T) / sigma, with u, v held fixed.
void Critic::spectralBackward(std::span<float> grad) const {
  const auto& layers = net_.layout().layers;
  for (size_t l = 0; l < layers.size(); ++l) {
    const auto& L = layers[l];
    float* g = grad.data() + L.weights;
    const float* Wh = acting_.data() + L.weights;
    double inner = 0.0;
    for (size_t k = 0; k < size_t(L.in * L.out); ++k) inner += double(g[k]) * Wh[k];
    for (int i = 0; i < L.out; ++i)
      for (int j = 0; j < L.in; ++j) {
        float& x = g[size_t(i * L.in + j)];
        x = float((x - inner * u_[l][size_t(i)] * v_[l][size_t(j)]) / sigma_[l]);
      }
  }
}

double Critic::update(const std::vector<glm::dvec2>& real, const std::vector<glm::dvec2>& fake,
                      CriticLoss loss) {
  const size_t n = real.size();
  if (n == 0 || fake.size() != n) throw InputError("critic: real and fake batches differ in size");
  if (spec_.method == LipschitzMethod::Spectral) refreshActing(true);
  std::vector<glm::dvec2> points = real;
  points.insert(points.end(), fake.begin(), fake.end());
  const bool penalised = spec_.method == LipschitzMethod::Penalty && spec_.lambda > 0.0;
  if (penalised)
    for (size_t i = 0; i < n; ++i) {
      const double u = rng_.uniform();
      points.push_back(u * real[i] + (1.0 - u) * fake[i]);
    }
  const std::vector<float> x = flatPoints<float>(points);
  std::vector<float> valueWeights(points.size(), 0.0f), penaltyWeights(points.size(), 0.0f);
  const float inv = 1.0f / float(n);
  double value = 0.0;
  if (loss == CriticLoss::Wasserstein) {
    std::fill(valueWeights.begin(), valueWeights.begin() + long(n), -inv);
    std::fill(valueWeights.begin() + long(n), valueWeights.begin() + long(2 * n), inv);
  } else {
    const auto f = net_.values(acting_, std::span(x).first(4 * n));
    for (size_t i = 0; i < n; ++i) {
      value += (softplus(-f[i]) + softplus(f[n + i])) / double(n);
      valueWeights[i] = float(-sigmoid(-f[i]) / double(n));
      valueWeights[n + i] = float(sigmoid(f[n + i]) / double(n));
    }
  }
  if (penalised)
    std::fill(penaltyWeights.begin() + long(2 * n), penaltyWeights.end(),
              float(spec_.lambda) * inv);
  std::vector<float> grad(params_.size(), 0.0f), f;
  lastPenalty_ = net_.lossGradient(acting_, x, valueWeights, penaltyWeights, grad, &f);
  if (loss == CriticLoss::Wasserstein)
    for (size_t i = 0; i < n; ++i) value += (double(f[n + i]) - f[i]) / double(n);
  if (spec_.method == LipschitzMethod::Spectral) spectralBackward(grad);
  adam_.step(params_, grad);
  if (spec_.method == LipschitzMethod::Clip)
    for (float& p : params_) p = std::clamp(p, float(-spec_.clip), float(spec_.clip));
  refreshActing(false);
  return value + lastPenalty_;
}

CriticMlpT<float>::Evaluation Critic::evaluate(std::span<const glm::dvec2> points) const {
  return net_.evaluate(acting_, flatPoints<float>(points));
}

std::vector<double> Critic::values(std::span<const glm::dvec2> points) const {
  const auto f = net_.values(acting_, flatPoints<float>(points));
  return {f.begin(), f.end()};
}

double Critic::maxGradientNorm(std::span<const glm::dvec2> points) const {
  const auto e = evaluate(points);
  double m = 0.0;
  for (size_t i = 0; i < points.size(); ++i)
    m = std::max(m, std::hypot(double(e.gradients[2 * i]), double(e.gradients[2 * i + 1])));
  return m;
}

std::vector<glm::dvec2> drawFrom(const Measure& m, int count, Pcg32& rng) {
  std::vector<double> cumulative(m.weights.size());
  double s = 0.0;
  for (size_t i = 0; i < m.weights.size(); ++i) cumulative[i] = s += m.weights[i];
  std::vector<glm::dvec2> out(static_cast<size_t>(count));
  for (auto& p : out) {
    const double u = rng.uniform() * s;
    const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), u);
    p = m.points[std::min(size_t(it - cumulative.begin()), m.points.size() - 1)];
  }
  return out;
}

DualCritic::DualCritic(const CriticSpec& spec, Measure p, Measure q)
    : p_(std::move(p)), q_(std::move(q)), critic_(spec), rng_(spec.seed, 78u) {
  if (p_.points.empty() || q_.points.empty()) throw InputError("critic: a cloud is empty");
  if (spec.method == LipschitzMethod::None)
    throw InputError("method: the W1 critic needs clip, gp or sn");
  probes_ = p_.points;
  probes_.insert(probes_.end(), q_.points.begin(), q_.points.end());
  Pcg32 r(spec.seed, 79u);
  const auto a = drawFrom(p_, 2048, r), b = drawFrom(q_, 2048, r);
  for (size_t i = 0; i < a.size(); ++i) {
    const double u = r.uniform();
    probes_.push_back(u * a[i] + (1.0 - u) * b[i]);
  }
}

void DualCritic::train(int steps) {
  const int batch = critic_.spec().batch;
  for (int k = 0; k < steps; ++k) {
    const auto real = drawFrom(p_, batch, rng_), fake = drawFrom(q_, batch, rng_);
    const double loss = critic_.update(real, fake, CriticLoss::Wasserstein);
    if (critic_.steps() % 10 == 0) history_.push_back({critic_.steps(), estimate(), loss});
  }
}

double DualCritic::estimate() const {
  if (estimateStep_ == critic_.steps()) return estimate_;
  const auto fp = critic_.values(p_.points), fq = critic_.values(q_.points);
  double e = 0.0;
  for (size_t i = 0; i < fp.size(); ++i) e += p_.weights[i] * fp[i];
  for (size_t j = 0; j < fq.size(); ++j) e -= q_.weights[j] * fq[j];
  estimateStep_ = critic_.steps();
  return estimate_ = e;
}

double DualCritic::maxGradientNorm() const {
  if (normStep_ != critic_.steps()) {
    norm_ = critic_.maxGradientNorm(probes_);
    normStep_ = critic_.steps();
  }
  return norm_;
}

double DualCritic::normalisedEstimate() const {
  return estimate() / std::max(maxGradientNorm(), 1e-12);
}

}  // namespace flowscope
