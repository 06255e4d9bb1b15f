#pragma once
// Adam and AdamW with bias correction (Kingma & Ba 2015; Loshchilov & Hutter 2019, decoupled
// weight decay), as PyTorch's torch.optim.Adam / AdamW compute them; gradient clipping by the
// global norm (torch.nn.utils.clip_grad_norm_: g *= max / (|g| + 1e-6) when |g| > max); a
// learning rate with linear warm-up and cosine decay; and an exponential moving average of the
// weights, the copy used for sampling.
#include <span>
#include <vector>

namespace flowscope {

struct AdamOptions {
  double learningRate = 1e-3;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  double weightDecay = 0.0;
  bool decoupled = true;  // AdamW: p -= lr wd p; else Adam's L2: g += wd p
  double clipNorm = 0.0;  // 0: no clipping
  long warmupSteps = 0;   // the rate rises linearly over these steps
  long totalSteps = 0;    // after warm-up, cosine to minRate at totalSteps; 0: constant
  double minRate = 0.0;
};
// InputError naming the field.
void validate(const AdamOptions& o);

// The rate of step k (0 for the first): lr (k + 1) / warmup during warm-up, then
// minRate + (lr - minRate) (1 + cos(pi u)) / 2 with u = (k - warmup) / (total - warmup) in [0, 1].
double learningRateAt(const AdamOptions& o, long step);

// T: double (the reference) or float (the fast backends); the moments are kept in T.
template <class T>
class AdamT {
 public:
  AdamT(size_t parameters, const AdamOptions& options);  // validates
  // One step: clips `grad` in place (when clipNorm > 0), updates `params`; returns the gradient's
  // global norm before clipping.
  double step(std::span<T> params, std::span<T> grad);
  long steps() const { return steps_; }
  const AdamOptions& options() const { return o_; }

 private:
  AdamOptions o_;
  std::vector<T> m_, v_;
  long steps_ = 0;
};
using Adam = AdamT<double>;
extern template class AdamT<double>;
extern template class AdamT<float>;

// ema = decay ema + (1 - decay) p after each update; the first update copies p.
template <class T>
class WeightAverageT {
 public:
  explicit WeightAverageT(double decay);  // InputError outside [0, 1)
  void update(std::span<const T> params);
  const std::vector<T>& weights() const { return ema_; }

 private:
  double decay_;
  std::vector<T> ema_;
};
using WeightAverage = WeightAverageT<double>;
extern template class WeightAverageT<double>;
extern template class WeightAverageT<float>;

}  // namespace flowscope
