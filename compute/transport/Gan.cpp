#include "Gan.h"

#include <algorithm>
#include <cmath>

#include "EnumNames.h"
#include "ExactTransport.h"
#include "InputError.h"

namespace flowscope {
namespace {

constexpr NamedValue<GanLoss> kLosses[] = {{GanLoss::Original, "original"},
                                           {GanLoss::Wasserstein, "wgan"}};

MlpSpec generatorOf(const GanSpec& s) {
  return planeNetwork(2, s.generatorWidth, s.generatorDepth, s.critic.activation,
                      s.critic.seed + 1000);
}

std::vector<glm::dvec2> normals(int n, Pcg32& rng) {
  std::vector<glm::dvec2> z(static_cast<size_t>(n));
  for (auto& p : z) p = {rng.normal(), rng.normal()};
  return z;
}

}  // namespace

std::string ganLossName(GanLoss l) {
  return nameIn(kLosses, l);
}
GanLoss parseGanLoss(const std::string& name) {
  return parseIn(kLosses, name, "loss");
}

void validate(const GanSpec& s) {
  validate(s.critic);
  if (s.criticSteps < 1 || s.criticSteps > 20) throw InputError("critic steps: between 1 and 20");
  if (s.generatorSteps < 1 || s.generatorSteps > 20)
    throw InputError("generator steps: between 1 and 20");
  if (!(s.generatorLearningRate > 0.0 && s.generatorLearningRate <= 1.0))
    throw InputError("generator learning rate: in (0, 1]");
  validate(generatorOf(s));
}

Gan::Gan(const GanSpec& spec, Measure data, int shown, GanModes modes)
    : spec_((validate(spec), spec)),
      data_(std::move(data)),
      modes_(std::move(modes)),
      critic_(spec.critic),
      generator_(generatorOf(spec)),
      adam_(layoutOf(generatorOf(spec)).count, wganAdam(spec.generatorLearningRate)),
      rng_(spec.critic.seed, 80u) {
  if (data_.points.empty()) throw InputError("gan: the data cloud is empty");
  const std::vector<double> init = initialParameters(generator_.spec());
  weights_.assign(init.begin(), init.end());
  Pcg32 r(spec.critic.seed, 81u);
  noise_ = normals(std::clamp(shown, 1, 4096), r);
  measureData_ = Measure::uniform(drawFrom(data_, int(kMeasurePoints), r));
  refreshShown(true);
}

std::vector<glm::dvec2> Gan::generate(std::span<const glm::dvec2> noise) {
  const std::vector<float> levels(noise.size(), 0.0f);
  const std::vector<float> y = generator_.forward(weights_, flatPoints<float>(noise), levels);
  std::vector<glm::dvec2> out(noise.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = {y[2 * i], y[2 * i + 1]};
  return out;
}

std::vector<glm::dvec2> Gan::pushesAt(std::span<const glm::dvec2> x, std::vector<double>* f) const {
  const auto e = critic_.evaluate(x);
  std::vector<glm::dvec2> push(x.size());
  if (f) f->assign(e.values.begin(), e.values.end());
  for (size_t i = 0; i < x.size(); ++i) {
    const double scale = spec_.loss == GanLoss::Wasserstein ? 1.0 : sigmoid(-e.values[i]);
    push[i] = scale * glm::dvec2(e.gradients[2 * i], e.gradients[2 * i + 1]);
  }
  return push;
}

double Gan::generatorStep() {
  const int batch = spec_.critic.batch;
  const auto z = normals(batch, rng_);
  const auto x = generate(z);  // keeps what backward needs
  std::vector<double> f;
  const auto push = pushesAt(x, &f);
  std::vector<float> dy(size_t(2 * batch));
  double loss = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    dy[2 * i] = float(-push[i].x / batch);
    dy[2 * i + 1] = float(-push[i].y / batch);
    loss += (spec_.loss == GanLoss::Wasserstein ? -f[i] : softplus(-f[i])) / batch;
  }
  std::vector<float> grad(weights_.size(), 0.0f);
  generator_.backward(weights_, dy, grad);
  adam_.step(weights_, grad);
  return loss;
}

void Gan::iterate(int count) {
  const CriticLoss closs =
      spec_.loss == GanLoss::Wasserstein ? CriticLoss::Wasserstein : CriticLoss::Logistic;
  const int batch = spec_.critic.batch;
  for (int k = 0; k < count; ++k) {
    for (int d = 0; d < spec_.criticSteps; ++d) {
      const auto real = drawFrom(data_, batch, rng_);
      const auto fake = generate(normals(batch, rng_));
      lastCriticLoss_ = critic_.update(real, fake, closs);
    }
    for (int g = 0; g < spec_.generatorSteps; ++g) lastGeneratorLoss_ = generatorStep();
    ++iterations_;
    if (iterations_ % kMeasureEvery == 0) refreshShown(true);
  }
  if (iterations_ % kMeasureEvery != 0) refreshShown(false);
}

void Gan::refreshShown(bool measure) {
  samples_ = generate(noise_);
  pushes_ = pushesAt(samples_, nullptr);
  if (!measure) return;
  const size_t n = std::min(samples_.size(), kMeasurePoints);
  const Measure generated = Measure::uniform({samples_.begin(), samples_.begin() + long(n)});
  const ExactResult r = exactTransport(generated, measureData_, CostKind::Euclidean);
  history_.push_back({iterations_, lastCriticLoss_, lastGeneratorLoss_, r.cost, modesCovered()});
}

int Gan::modesCovered() const {
  return flowscope::modesCovered(samples_, modes_.centres, modes_.radius);
}

int modesCovered(std::span<const glm::dvec2> points, std::span<const glm::dvec2> centres,
                 double radius) {
  if (centres.empty()) return 0;
  std::vector<size_t> counts(centres.size(), 0);
  for (const auto& p : points)
    for (size_t k = 0; k < centres.size(); ++k)
      if (glm::length(p - centres[k]) <= radius) {
        ++counts[k];
        break;
      }
  const size_t need = std::max<size_t>(1, points.size() / (4 * centres.size()));
  return int(std::count_if(counts.begin(), counts.end(), [&](size_t c) { return c >= need; }));
}

}  // namespace flowscope
