// Model 3 of model.glsl: a learned model, a trained MLP evaluated per invocation. Included only
// by the kernels' learned variants (FLOWSCOPE_LEARNED, shaders/CMakeLists.txt): the plain ones
// never carry the network, whose code makes pipeline creation seconds slower on lavapipe.
// CPU twin: compute/train/LearnedModel.cpp.

// Model 3's floats: a header of kMlpHeader values (depth, width, embedding half-width h,
// activation 0 relu 1 silu 2 gelu 3 tanh 4 elu, residual, objective 0 edm 1 ddpm-eps 2 ddpm-v
// 3 flow, sigma_data, alpha-bar table length T), then h angular frequencies, the parameters in
// MlpLayout order (each W out x in row-major, then b), then T alpha-bar values (ddpm).
const uint kMlpHeader = 8u;
const uint kMaxMlpWidth = 512u;
const uint kMaxMlpInputs = 2u + 256u;

// The same binding as Data, read as floats (a descriptor may back two blocks of one type).
layout(std430, set = 0, binding = 2) readonly buffer MlpData { float mlpFloats[]; };

// The network being evaluated starts at float gMlpBase (a guided model keeps two there).
uint gMlpBase = 0u;
float mlpValue(uint i) { return mlpFloats[gMlpBase + i]; }

#include "activations.glsl"

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
vec2 learnedDenoise(vec2 x, float s, float tau, uint base) {
  gMlpBase = base;
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

// The network at float `base`; logp is the data mixture's (components 0 .. count - 1), if any.
void learnedEvaluate(vec2 x, float s, float tau, uint base, uint count, out float logp, out vec2 denoised,
                     out vec2 score) {
  vec2 d, g;
  logp = -3.0e38;
  if (count > 0u) gmmEvaluate(x, s, tau, 0u, count, logp, d, g);
  denoised = learnedDenoise(x, s, tau, base);
  score = (s * denoised - x) / (tau * tau);
}
