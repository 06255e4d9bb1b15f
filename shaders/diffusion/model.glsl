// The exact models every kernel evaluates, for x = s x0 + tau eps:
//   model 0: a Gaussian mixture (gmm.glsl, binding 0);
//   model 1: a finite dataset (binding 2): D = sum_i softmax_i(-|x - s x_i|^2 / (2 tau^2)) x_i, the
//            empirical ideal denoiser: softmax attention over the data. Streamed in tiles with an
//            online softmax, so no (particles x data) matrix ever exists.
//   model 2: a flow-matching coupling (binding 2: (bandwidth, 0), then z_k, y_k for K pairs): the
//            marginal velocity v = sum_k softmax_k(-|x - mu_k|^2 / (2 bw^2)) (z_k - y_k) of the
//            smoothed straight paths mu_k = s y_k + tau z_k; D = (x - tau v) / (s + tau).
//   model 3: a learned model (binding 2: a trained MLP as floats, two to a vec2; layout in
//            mlpValue below): D from the network's output as its objective says
//            (compute/train/Objective.h, query / denoised); logp is the data mixture's at binding 0
//            when there is one (count = its components), else -3e38 (a network has no density).
// CPU twins: compute/GaussianMixture.cpp, compute/EmpiricalModel.cpp, compute/CouplingModel.cpp,
// compute/train/LearnedModel.cpp.
#include "gmm.glsl"

layout(std430, set = 0, binding = 2) readonly buffer Data { vec2 dataPoints[]; };

const uint kTile = 64u;

// Per tile of kTile points: the tile's largest logit first, then one rescale of the running sums
// and one exp per point (a branch-free online softmax: a per-point "if (l > m)" would run both
// sides on SIMD lanes, two exps per point). Points are read straight from the storage buffer:
// every lane reads the same point, which a CPU driver turns into one broadcast load.
void empiricalEvaluate(vec2 x, float s, float tau, uint count, out float logp, out vec2 denoised, out vec2 score) {
  float inv = 1.0 / (2.0 * tau * tau);
  float m = -3.0e38;
  float total = 0.0;
  vec2 acc = vec2(0.0);
  for (uint base = 0u; base < count; base += kTile) {
    uint n = min(kTile, count - base);
    float tileMax = -3.0e38;
    for (uint k = 0u; k < n; ++k) {
      vec2 r = x - s * dataPoints[base + k];
      tileMax = max(tileMax, -dot(r, r) * inv);
    }
    float next = max(m, tileMax);
    float rescale = exp(m - next);
    total *= rescale;
    acc *= rescale;
    m = next;
    for (uint k = 0u; k < n; ++k) {
      vec2 p = dataPoints[base + k];
      vec2 r = x - s * p;
      float w = exp(-dot(r, r) * inv - m);
      total += w;
      acc += w * p;
    }
  }
  denoised = acc / total;
  logp = m + log(total) - log(float(count)) - log(6.2831853 * tau * tau);
  score = (s * denoised - x) / (tau * tau);
}

// The same for kQueries points at once: every data point is loaded once for all of them, which
// is what bounds the single-point loop on a CPU driver. Used by the grid kernels.
const uint kQueries = 16u;  // = kQueriesPerInvocation in compute/MixtureGrids.cpp
void empiricalEvaluate4(vec2 x[kQueries], float s, float tau, uint count, out float logp[kQueries],
                        out vec2 denoised[kQueries], out vec2 score[kQueries]) {
  float inv = 1.0 / (2.0 * tau * tau);
  float m[kQueries], total[kQueries];
  vec2 acc[kQueries];
  for (uint q = 0u; q < kQueries; ++q) m[q] = -3.0e38, total[q] = 0.0, acc[q] = vec2(0.0);
  for (uint base = 0u; base < count; base += kTile) {
    uint n = min(kTile, count - base);
    float tileMax[kQueries];
    for (uint q = 0u; q < kQueries; ++q) tileMax[q] = -3.0e38;
    for (uint k = 0u; k < n; ++k) {
      vec2 p = s * dataPoints[base + k];
      for (uint q = 0u; q < kQueries; ++q) {
        vec2 r = x[q] - p;
        tileMax[q] = max(tileMax[q], -dot(r, r) * inv);
      }
    }
    for (uint q = 0u; q < kQueries; ++q) {
      float next = max(m[q], tileMax[q]);
      float rescale = exp(m[q] - next);
      total[q] *= rescale;
      acc[q] *= rescale;
      m[q] = next;
    }
    for (uint k = 0u; k < n; ++k) {
      vec2 p = dataPoints[base + k];
      for (uint q = 0u; q < kQueries; ++q) {
        vec2 r = x[q] - s * p;
        float w = exp(-dot(r, r) * inv - m[q]);
        total[q] += w;
        acc[q] += w * p;
      }
    }
  }
  for (uint q = 0u; q < kQueries; ++q) {
    denoised[q] = acc[q] / total[q];
    logp[q] = m[q] + log(total[q]) - log(float(count)) - log(6.2831853 * tau * tau);
    score[q] = (s * denoised[q] - x[q]) / (tau * tau);
  }
}

// One point of model 2, with the same tiled online softmax as empiricalEvaluate.
void couplingEvaluate(vec2 x, float s, float tau, uint count, out float logp, out vec2 denoised, out vec2 score) {
  float bw = dataPoints[0].x;
  float inv = 1.0 / (2.0 * bw * bw);
  float m = -3.0e38;
  float total = 0.0;
  vec2 accV = vec2(0.0), accMu = vec2(0.0);
  for (uint base = 0u; base < count; base += kTile) {
    uint n = min(kTile, count - base);
    float tileMax = -3.0e38;
    for (uint k = 0u; k < n; ++k) {
      uint i = 1u + 2u * (base + k);
      vec2 r = x - (s * dataPoints[i + 1u] + tau * dataPoints[i]);
      tileMax = max(tileMax, -dot(r, r) * inv);
    }
    float next = max(m, tileMax);
    float rescale = exp(m - next);
    total *= rescale;
    accV *= rescale;
    accMu *= rescale;
    m = next;
    for (uint k = 0u; k < n; ++k) {
      uint i = 1u + 2u * (base + k);
      vec2 z = dataPoints[i], y = dataPoints[i + 1u];
      vec2 mu = s * y + tau * z;
      vec2 r = x - mu;
      float w = exp(-dot(r, r) * inv - m);
      total += w;
      accV += w * (z - y);
      accMu += w * mu;
    }
  }
  vec2 v = accV / total;
  denoised = (x - tau * v) / (s + tau);
  logp = m + log(total) - log(float(count)) - log(6.2831853 * bw * bw);
  score = (accMu / total - x) / (bw * bw);
}

// Model 3's floats: a header of kMlpHeader values (depth, width, embedding half-width h,
// activation 0 relu 1 silu 2 gelu 3 tanh 4 elu, residual, objective 0 edm 1 ddpm-eps 2 ddpm-v
// 3 flow, sigma_data, alpha-bar table length T), then h angular frequencies, the parameters in
// MlpLayout order (each W out x in row-major, then b), then T alpha-bar values (ddpm).
const uint kMlpHeader = 8u;
const uint kMaxMlpWidth = 512u;
const uint kMaxMlpInputs = 2u + 256u;

// The same binding as Data, read as floats (a descriptor may back two blocks of one type).
layout(std430, set = 0, binding = 2) readonly buffer MlpData { float mlpFloats[]; };

float mlpValue(uint i) { return mlpFloats[i]; }

float erfApprox(float x) {  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7
  float t = 1.0 / (1.0 + 0.3275911 * abs(x));
  float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
                   0.254829592) * t * exp(-x * x);
  return sign(x) * y;
}

float activated(uint kind, float z) {
  if (kind == 0u) return max(z, 0.0);
  if (kind == 1u) return z / (1.0 + exp(-z));
  if (kind == 2u) return 0.5 * z * (1.0 + erfApprox(z * 0.70710678));
  if (kind == 3u) return tanh(z);
  return z > 0.0 ? z : exp(z) - 1.0;
}

// The network's output at (input, level): e holds the first layer's input [x, cos(w c),
// sin(w c)], z a hidden layer's activations, nz the next one's.
vec2 mlpForward(vec2 xin, float level) {
  uint depth = uint(mlpValue(0u)), width = uint(mlpValue(1u)), h = uint(mlpValue(2u));
  uint act = uint(mlpValue(3u));
  bool residual = mlpValue(4u) > 0.5;
  float e[kMaxMlpInputs], z[kMaxMlpWidth], nz[kMaxMlpWidth];
  e[0] = xin.x;
  e[1] = xin.y;
  for (uint k = 0u; k < h; ++k) {
    float w = mlpValue(kMlpHeader + k) * level;
    e[2u + k] = cos(w);
    e[2u + h + k] = sin(w);
  }
  uint p = kMlpHeader + h;  // the layer's weights, then its biases
  uint fanIn = 2u + 2u * h;
  for (uint o = 0u; o < width; ++o) {
    float sum = mlpValue(p + width * fanIn + o);
    for (uint i = 0u; i < fanIn; ++i) sum += mlpValue(p + o * fanIn + i) * e[i];
    z[o] = activated(act, sum);
  }
  p += width * fanIn + width;
  for (uint l = 1u; l < depth; ++l) {
    for (uint o = 0u; o < width; ++o) {
      float sum = mlpValue(p + width * width + o);
      for (uint i = 0u; i < width; ++i) sum += mlpValue(p + o * width + i) * z[i];
      nz[o] = activated(act, sum) + (residual ? z[o] : 0.0);
    }
    for (uint o = 0u; o < width; ++o) z[o] = nz[o];
    p += width * width + width;
  }
  vec2 y;
  for (uint o = 0u; o < 2u; ++o) {
    float sum = mlpValue(p + 2u * width + o);
    for (uint i = 0u; i < width; ++i) sum += mlpValue(p + o * width + i) * z[i];
    y[o] = sum;
  }
  return y;
}

// Objective::ddpmStep: the fractional step whose alpha-bar is ab, table at `first`, length n.
float ddpmStep(uint first, uint n, float ab) {
  if (ab >= mlpValue(first)) return 0.0;
  if (ab <= mlpValue(first + n - 1u)) return float(n - 1u);
  uint lo = 0u, hi = n - 1u;
  while (hi - lo > 1u) {
    uint mid = (lo + hi) / 2u;
    if (mlpValue(first + mid) > ab) lo = mid; else hi = mid;
  }
  float a0 = mlpValue(first + lo), a1 = mlpValue(first + hi);
  return float(lo) + (a0 - ab) / (a0 - a1);
}

// Objective::query, the network, then Objective::denoised (in s and tau: the flow's s = 0 too).
vec2 learnedDenoise(vec2 x, float s, float tau) {
  if (!(tau > 0.0)) return x / s;
  uint objective = uint(mlpValue(5u));
  if (objective == 0u) {  // edm
    float sigma = tau / s, sd = mlpValue(6u), r2 = sigma * sigma + sd * sd, r = sqrt(r2);
    vec2 f = mlpForward(x / (s * r), log(sigma) / 4.0);
    return (sd * sd / r2) * (x / s) + (sigma * sd / r) * f;
  }
  if (objective == 3u) {  // flow
    float t = tau / (s + tau);
    vec2 xt = x / (s + tau);
    return xt - t * mlpForward(xt, t);
  }
  uint depth = uint(mlpValue(0u)), width = uint(mlpValue(1u)), h = uint(mlpValue(2u));
  uint n = uint(mlpValue(7u));
  uint fanIn = 2u + 2u * h;
  uint table = kMlpHeader + h + width * fanIn + width + (depth - 1u) * (width * width + width) +
               2u * width + 2u;
  float r = sqrt(s * s + tau * tau), a = s / r, b = tau / r;
  vec2 f = mlpForward(x / r, ddpmStep(table, n, a * a) / float(n));
  return objective == 1u ? (x / r - b * f) / a : a * (x / r) - b * f;
}

void learnedEvaluate(vec2 x, float s, float tau, uint count, out float logp, out vec2 denoised,
                     out vec2 score) {
  vec2 d, g;
  logp = -3.0e38;
  if (count > 0u) gmmEvaluate(x, s, tau, count, logp, d, g);
  denoised = learnedDenoise(x, s, tau);
  score = (s * denoised - x) / (tau * tau);
}

void modelEvaluate(uint model, vec2 x, float s, float tau, uint count, out float logp, out vec2 denoised,
                   out vec2 score) {
  if (model == 0u)
    gmmEvaluate(x, s, tau, count, logp, denoised, score);
  else if (model == 1u)
    empiricalEvaluate(x, s, tau, count, logp, denoised, score);
  else if (model == 3u)
    learnedEvaluate(x, s, tau, count, logp, denoised, score);
  else
    couplingEvaluate(x, s, tau, count, logp, denoised, score);
}

vec2 modelDenoise(uint model, vec2 x, float s, float tau, uint count) {
  if (model == 3u) return learnedDenoise(x, s, tau);
  float logp;
  vec2 d, g;
  modelEvaluate(model, x, s, tau, count, logp, d, g);
  return d;
}
