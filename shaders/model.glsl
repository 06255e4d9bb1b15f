// The exact models every kernel evaluates, for x = s x0 + tau eps:
//   model 0: a Gaussian mixture (gmm.glsl, binding 0);
//   model 1: a finite dataset (binding 2): D = sum_i softmax_i(-|x - s x_i|^2 / (2 tau^2)) x_i, the
//            empirical ideal denoiser: softmax attention over the data. Streamed in tiles of
//            gl_WorkGroupSize.x points through shared memory with an online softmax, so no
//            (particles x data) matrix ever exists.
// CPU twins: compute/GaussianMixture.cpp and compute/EmpiricalModel.cpp.
// Contains barriers: call in uniform control flow, from every invocation of the workgroup
// (invocations past the end of the work still call it, with any x).
#include "gmm.glsl"

layout(std430, set = 0, binding = 2) readonly buffer Data { vec2 dataPoints[]; };

const uint kTile = 64u;  // must equal the kernels' local_size_x
shared vec2 dataTile[kTile];

void empiricalEvaluate(vec2 x, float s, float tau, uint count, out float logp, out vec2 denoised, out vec2 score) {
  float inv = 1.0 / (2.0 * tau * tau);
  float m = -3.0e38;
  float total = 0.0;
  vec2 acc = vec2(0.0);
  for (uint base = 0u; base < count; base += kTile) {
    uint j = base + gl_LocalInvocationIndex;
    dataTile[gl_LocalInvocationIndex] = j < count ? dataPoints[j] : vec2(0.0);
    barrier();
    uint n = min(kTile, count - base);
    for (uint k = 0u; k < n; ++k) {
      vec2 p = dataTile[k];
      vec2 r = x - s * p;
      float l = -dot(r, r) * inv;
      if (l > m) {
        float rescale = exp(m - l);
        total = total * rescale + 1.0;
        acc = acc * rescale + p;
        m = l;
      } else {
        float w = exp(l - m);
        total += w;
        acc += w * p;
      }
    }
    barrier();
  }
  denoised = acc / total;
  logp = m + log(total) - log(float(count)) - log(6.2831853 * tau * tau);
  score = (s * denoised - x) / (tau * tau);
}

void modelEvaluate(uint model, vec2 x, float s, float tau, uint count, out float logp, out vec2 denoised,
                   out vec2 score) {
  if (model == 0u)
    gmmEvaluate(x, s, tau, count, logp, denoised, score);
  else
    empiricalEvaluate(x, s, tau, count, logp, denoised, score);
}

vec2 modelDenoise(uint model, vec2 x, float s, float tau, uint count) {
  float logp;
  vec2 d, g;
  modelEvaluate(model, x, s, tau, count, logp, d, g);
  return d;
}
