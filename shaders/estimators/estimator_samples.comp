#version 450
// Gradient estimates of L(theta) = E[f(z)] (compute/estimators/Estimators.h), one invocation an
// estimate: the mean of `samples` single-sample gradients from the host's noise (noiseStride
// values a sample), with the estimator's baseline. Named functions only (a typed expression stays
// on the CPU). CPU twin: estimateFromNoise.
layout(local_size_x = 64) in;
#include "dispatch.glsl"

layout(std430, binding = 0) readonly buffer Params { float prm[]; };  // theta[8], table[8]
layout(std430, binding = 1) readonly buffer Noise { float noise[]; };
layout(std430, binding = 2) writeonly buffer Estimates { float est[]; };  // n a estimate
layout(push_constant) uniform Push {
  uint estimates, samples, stride, n;
  uint dist, kind, f;  // dist: 0 gaussian, 1 categorical, 2 gaussian2d; f: the named function
  float tau;
} pc;

const uint kPathwise = 0u, kReinforce = 1u, kBaseline = 2u, kLoo = 3u, kGumbel = 4u,
           kStraight = 5u;

// 1-D: x^2, sin, cos, step, abs; value and slope.
vec2 f1(float z) {
  if (pc.f == 0u) return vec2(z * z, 2.0 * z);
  if (pc.f == 1u) return vec2(sin(z), cos(z));
  if (pc.f == 2u) return vec2(cos(z), -sin(z));
  if (pc.f == 3u) return vec2(z > 0.0 ? 1.0 : 0.0, 0.0);
  return vec2(abs(z), z > 0.0 ? 1.0 : (z < 0.0 ? -1.0 : 0.0));
}

// 2-D: x^2+y^2, x*y, sin(x)cos(y), step(x)step(y); value and gradient.
vec3 f2(float x, float y) {
  if (pc.f == 0u) return vec3(x * x + y * y, 2.0 * x, 2.0 * y);
  if (pc.f == 1u) return vec3(x * y, y, x);
  if (pc.f == 2u) return vec3(sin(x) * cos(y), cos(x) * cos(y), -sin(x) * sin(y));
  return vec3((x > 0.0 && y > 0.0) ? 1.0 : 0.0, 0.0, 0.0);
}

// One sample: f, the score grad log p (score-function estimators) or the direct gradient.
float fv;
float vec8[8];  // score or direct, n values

void sampleAt(uint base) {
  if (pc.dist == 0u) {
    const float mu = prm[0], s = prm[1], e = noise[base];
    const vec2 v = f1(mu + s * e);
    fv = v.x;
    if (pc.kind == kPathwise) {
      vec8[0] = v.y;
      vec8[1] = v.y * e;
    } else {
      vec8[0] = e / s;
      vec8[1] = (e * e - 1.0) / s;
    }
    return;
  }
  if (pc.dist == 2u) {
    const float s = prm[2], e1 = noise[base], e2 = noise[base + 1u];
    const vec3 v = f2(prm[0] + s * e1, prm[1] + s * e2);
    fv = v.x;
    if (pc.kind == kPathwise) {
      vec8[0] = v.y;
      vec8[1] = v.z;
      vec8[2] = v.y * e1 + v.z * e2;
    } else {
      vec8[0] = e1 / s;
      vec8[1] = e2 / s;
      vec8[2] = (e1 * e1 + e2 * e2 - 2.0) / s;
    }
    return;
  }
  const uint K = pc.n;
  float top = -1e30;
  for (uint k = 0u; k < K; ++k) top = max(top, prm[k]);
  float p[8], sum = 0.0;
  for (uint k = 0u; k < K; ++k) sum += p[k] = exp(prm[k] - top);
  for (uint k = 0u; k < K; ++k) p[k] /= sum;
  if (pc.kind == kGumbel || pc.kind == kStraight) {
    float y[8], ymax = -1e30, ysum = 0.0, fy = 0.0;
    uint hard = 0u;
    for (uint k = 0u; k < K; ++k) {
      y[k] = (prm[k] + noise[base + k]) / pc.tau;
      if (y[k] > ymax) ymax = y[k], hard = k;
    }
    for (uint k = 0u; k < K; ++k) ysum += y[k] = exp(y[k] - ymax);
    for (uint k = 0u; k < K; ++k) {
      y[k] /= ysum;
      fy += y[k] * prm[8u + k];
    }
    for (uint k = 0u; k < K; ++k) vec8[k] = y[k] * (prm[8u + k] - fy) / pc.tau;
    fv = pc.kind == kStraight ? prm[8u + hard] : fy;
    return;
  }
  const float u = noise[base];
  float acc = 0.0;
  uint drawn = 0u;
  for (; drawn + 1u < K; ++drawn) {
    acc += p[drawn];
    if (u < acc) break;
  }
  fv = prm[8u + drawn];
  for (uint k = 0u; k < K; ++k) vec8[k] = (k == drawn ? 1.0 : 0.0) - p[k];
}

void main() {
  const uint r = flatInvocation();
  if (r >= pc.estimates) return;
  const uint m = pc.samples, first = r * m * pc.stride;
  float g[8];
  for (uint j = 0u; j < pc.n; ++j) g[j] = 0.0;
  float total = 0.0;  // leave-one-out: every sample's f first
  if (pc.kind == kLoo)
    for (uint i = 0u; i < m; ++i) {
      sampleAt(first + i * pc.stride);
      total += fv;
    }
  float running = 0.0;
  for (uint i = 0u; i < m; ++i) {
    sampleAt(first + i * pc.stride);
    if (pc.kind == kPathwise || pc.kind == kGumbel || pc.kind == kStraight) {
      for (uint j = 0u; j < pc.n; ++j) g[j] += vec8[j];
      continue;
    }
    float w = fv;
    if (pc.kind == kBaseline) w -= i > 0u ? running / float(i) : 0.0;
    if (pc.kind == kLoo) w -= (total - fv) / float(m - 1u);
    running += fv;
    for (uint j = 0u; j < pc.n; ++j) g[j] += w * vec8[j];
  }
  for (uint j = 0u; j < pc.n; ++j) est[r * pc.n + j] = g[j] / float(m);
}
