// Gaussian-mixture evaluation shared by every kernel that needs p_sigma, its score or the ideal
// denoiser, under the variance-exploding noising x = x0 + sigma * eps (EDM).
// CPU twin: compute/GaussianMixture.cpp (GaussianMixture::evaluate), same algorithm in double.
//
// std430 layout of one component, 32 bytes, mirrored by GpuMixtureComponent (static_assert):
//   vec2 mean        offset  0
//   float logWeight  offset  8   (log of the normalised weight)
//   float pad        offset 12
//   vec4 cov         offset 16   (a, b, c, 0): covariance [[a, b], [b, c]]
struct Component {
  vec2 mean;
  float logWeight;
  float pad;
  vec4 cov;
};

layout(std430, set = 0, binding = 0) readonly buffer Mixture { Component comps[]; };

const float kLog2Pi = 1.8378770664093453;

// For x = s x0 + tau eps: streams the components once with an online log-sum-exp, so no weight
// ever under- or overflows. Outputs log p(x), the ideal denoiser D = E[x0 | x] and the score
// grad log p(x). Component k: x ~ N(s mu_k, s^2 C_k + tau^2 I). The mixture is components
// first .. first + count - 1 of the buffer (a guided model keeps several there).
void gmmEvaluate(vec2 x, float s, float tau, uint first, uint count, out float logp, out vec2 denoised,
                 out vec2 score) {
  float ss = s * s, t2 = tau * tau;
  float m = -3.0e38;
  float total = 0.0;
  vec2 accD = vec2(0.0);
  vec2 accS = vec2(0.0);
  for (uint k = 0; k < count; ++k) {
    Component c = comps[first + k];
    float a = ss * c.cov.x + t2, b = ss * c.cov.y, d = ss * c.cov.z + t2;
    float det = a * d - b * b;
    vec2 r = x - s * c.mean;
    vec2 sr = vec2(d * r.x - b * r.y, -b * r.x + a * r.y) / det;  // S^-1 r
    float l = c.logWeight - kLog2Pi - 0.5 * log(det) - 0.5 * dot(r, sr);
    vec2 dk = c.mean + s * vec2(c.cov.x * sr.x + c.cov.y * sr.y, c.cov.y * sr.x + c.cov.z * sr.y);
    if (l > m) {
      float rescale = exp(m - l);
      total = total * rescale + 1.0;
      accD = accD * rescale + dk;
      accS = accS * rescale - sr;
      m = l;
    } else {
      float w = exp(l - m);
      total += w;
      accD += w * dk;
      accS -= w * sr;
    }
  }
  logp = m + log(total);
  denoised = accD / total;
  score = accS / total;
}

