// The exact models every kernel evaluates, for x = s x0 + tau eps:
//   model 0: a Gaussian mixture (gmm.glsl, binding 0);
//   model 1: a finite dataset (binding 2): D = sum_i softmax_i(-|x - s x_i|^2 / (2 tau^2)) x_i, the
//            empirical ideal denoiser: softmax attention over the data. Streamed in tiles with an
//            online softmax, so no (particles x data) matrix ever exists.
//   model 2: a flow-matching coupling (binding 2: (bandwidth, 0), then z_k, y_k for K pairs): the
//            marginal velocity v = sum_k softmax_k(-|x - mu_k|^2 / (2 bw^2)) (z_k - y_k) of the
//            smoothed straight paths mu_k = s y_k + tau z_k; D = (x - tau v) / (s + tau).
//   model 3: a learned model (binding 2: a trained MLP as floats, two to a vec2; learned.glsl,
//            compiled only into a kernel's learned variant, FLOWSCOPE_LEARNED): D from the
//            network's output as its objective says (compute/train/Objective.h, query /
//            denoised); logp is the data mixture's at binding 0
//            when there is one (count = its components), else -3e38 (a network has no density).
// A model is a range of its buffer (first, count: components, points, or for model 3 the
// network's first float and the data mixture's components), so one buffer can hold a guided
// model's conditional and guiding parts (ModelRef below; compute/diffusion/Guidance.h).
// CPU twins: compute/GaussianMixture.cpp, compute/EmpiricalModel.cpp, compute/CouplingModel.cpp,
// compute/train/LearnedModel.cpp, compute/diffusion/Guidance.cpp (GuidedModel).
#include "gmm.glsl"

layout(std430, set = 0, binding = 2) readonly buffer Data { vec2 dataPoints[]; };

const uint kTile = 64u;

// Per tile of kTile points: the tile's largest logit first, then one rescale of the running sums
// and one exp per point (a branch-free online softmax: a per-point "if (l > m)" would run both
// sides on SIMD lanes, two exps per point). Points are read straight from the storage buffer:
// every lane reads the same point, which a CPU driver turns into one broadcast load.
void empiricalEvaluate(vec2 x, float s, float tau, uint first, uint count, out float logp, out vec2 denoised,
                       out vec2 score) {
  float inv = 1.0 / (2.0 * tau * tau);
  float m = -3.0e38;
  float total = 0.0;
  vec2 acc = vec2(0.0);
  for (uint base = 0u; base < count; base += kTile) {
    uint n = min(kTile, count - base);
    float tileMax = -3.0e38;
    for (uint k = 0u; k < n; ++k) {
      vec2 r = x - s * dataPoints[first + base + k];
      tileMax = max(tileMax, -dot(r, r) * inv);
    }
    float next = max(m, tileMax);
    float rescale = exp(m - next);
    total *= rescale;
    acc *= rescale;
    m = next;
    for (uint k = 0u; k < n; ++k) {
      vec2 p = dataPoints[first + base + k];
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
void empiricalEvaluate4(vec2 x[kQueries], float s, float tau, uint first, uint count, out float logp[kQueries],
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
      vec2 p = s * dataPoints[first + base + k];
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
      vec2 p = dataPoints[first + base + k];
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

#ifdef FLOWSCOPE_LEARNED
#include "learned.glsl"
#endif

// What a kernel evaluates: model `kind` over its range (first, count), guided toward it by the
// range (guideFirst, guideCount) with D = D_g + gamma (D_c - D_g) for sigma = tau / s in
// [sigmaLo, sigmaHi] (sigmaHi < 0: no upper bound); gamma = 1: the model alone. std430, 32 bytes:
// GpuModelRef in compute/diffusion/MixtureGrids.h.
struct ModelRef {
  uint kind;
  uint first;
  uint count;
  uint guideFirst;
  uint guideCount;
  float gamma;
  float sigmaLo;
  float sigmaHi;
};

bool guidanceActive(ModelRef r, float s, float tau) {
  return r.gamma != 1.0 && tau >= r.sigmaLo * s && (r.sigmaHi < 0.0 || tau <= r.sigmaHi * s);
}

void rangeEvaluate(uint kind, uint first, uint count, vec2 x, float s, float tau, out float logp,
                   out vec2 denoised, out vec2 score) {
  if (kind == 0u)
    gmmEvaluate(x, s, tau, first, count, logp, denoised, score);
  else if (kind == 1u)
    empiricalEvaluate(x, s, tau, first, count, logp, denoised, score);
#ifdef FLOWSCOPE_LEARNED
  else if (kind == 3u)
    learnedEvaluate(x, s, tau, first, count, logp, denoised, score);
#endif
  else
    couplingEvaluate(x, s, tau, count, logp, denoised, score);
}

vec2 rangeDenoise(uint kind, uint first, uint count, vec2 x, float s, float tau) {
#ifdef FLOWSCOPE_LEARNED
  if (kind == 3u) return learnedDenoise(x, s, tau, first);
#endif
  float logp;
  vec2 d, g;
  rangeEvaluate(kind, first, count, x, s, tau, logp, d, g);
  return d;
}

// The guided combination u + gamma (c - u) of one quantity (CPU twin: GuidedModel::evaluate).
float guided(float u, float c, float gamma) { return u + gamma * (c - u); }
vec2 guided(vec2 u, vec2 c, float gamma) { return u + gamma * (c - u); }

// The model, then (guidance active) the guide, in one loop: the evaluation is inlined once, not
// twice (a learned network's code doubles a pipeline's creation time on lavapipe).
void modelEvaluate(ModelRef r, vec2 x, float s, float tau, out float logp, out vec2 denoised, out vec2 score) {
  const bool guide = guidanceActive(r, s, tau);
  float l[2];
  vec2 d[2], g[2];
  for (uint k = 0u; k < (guide ? 2u : 1u); ++k)
    rangeEvaluate(r.kind, k == 0u ? r.first : r.guideFirst, k == 0u ? r.count : r.guideCount, x, s, tau, l[k],
                  d[k], g[k]);
  logp = l[0];
  denoised = d[0];
  score = g[0];
  if (!guide) return;
  logp = l[1] > -3.0e38 && l[0] > -3.0e38 ? guided(l[1], l[0], r.gamma) : l[0];
  denoised = guided(d[1], d[0], r.gamma);
  score = guided(g[1], g[0], r.gamma);
}

vec2 modelDenoise(ModelRef r, vec2 x, float s, float tau) {
  const bool guide = guidanceActive(r, s, tau);
  vec2 d[2];
  for (uint k = 0u; k < (guide ? 2u : 1u); ++k)
    d[k] = rangeDenoise(r.kind, k == 0u ? r.first : r.guideFirst, k == 0u ? r.count : r.guideCount, x, s, tau);
  return guide ? guided(d[1], d[0], r.gamma) : d[0];
}

// The empirical model (kind 1) at kQueries points, guided as modelEvaluate.
void modelEvaluate4(ModelRef r, vec2 x[kQueries], float s, float tau, out float logp[kQueries],
                    out vec2 denoised[kQueries], out vec2 score[kQueries]) {
  empiricalEvaluate4(x, s, tau, r.first, r.count, logp, denoised, score);
  if (!guidanceActive(r, s, tau)) return;
  float lu[kQueries];
  vec2 du[kQueries], gu[kQueries];
  empiricalEvaluate4(x, s, tau, r.guideFirst, r.guideCount, lu, du, gu);
  for (uint q = 0u; q < kQueries; ++q) {
    logp[q] = guided(lu[q], logp[q], r.gamma);
    denoised[q] = guided(du[q], denoised[q], r.gamma);
    score[q] = guided(gu[q], score[q], r.gamma);
  }
}
