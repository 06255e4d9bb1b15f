#version 450
// Points pushed through a normalizing flow one layer at a time (compute/flows/FlowSpec.h), one
// invocation per point: forward (data -> latent) runs layers 0..L-1, inverse (latent -> data)
// L-1..0; states[k n + i] is point i after k layers of the pass, logDets[k n + i] the forward
// log |det J| of the k-th layer applied (at the point on its data side). Each coupling's
// conditioner (1 input, depth x width, k outputs, MlpLayout order) is evaluated per invocation.
// CPU twin: FlowNetwork::trace (compute/flows/FlowNetwork.cpp, Spline.h).
layout(local_size_x = 64) in;
#include "dispatch.glsl"
#include "activations.glsl"

// The layer table (kLayerFloats a layer: type, cond, parameter offset, outputs, swap, sign0,
// sign1, unused) and then every parameter.
layout(std430, binding = 0) readonly buffer Params { float prm[]; };
layout(std430, binding = 1) readonly buffer Points { vec2 pts[]; };
layout(std430, binding = 2) writeonly buffer States { vec2 states[]; };
layout(std430, binding = 3) writeonly buffer LogDets { float logDets[]; };
layout(push_constant) uniform Push {
  uint n, layers, inverse, bins;
  float tailBound;
  uint width, depth, activation;
} pc;

const uint kLayerFloats = 8u;
const uint kAdditive = 0u, kAffine = 1u, kSpline = 2u, kActNorm = 3u, kMix = 4u, kScale = 5u;
const uint kMaxWidth = 512u, kMaxOutputs = 48u, kMaxBins = 16u;
const float kMinBin = 1e-3, kMinDerivative = 1e-3;

float outs[kMaxOutputs];

// The conditioner at parameter offset p, on input c: outs[0..k-1].
void conditioner(uint p, float c, uint k) {
  const uint w = pc.width;
  float z[kMaxWidth], nz[kMaxWidth];
  for (uint o = 0u; o < w; ++o) z[o] = activated(pc.activation, prm[p + o] * c + prm[p + w + o]);
  p += 2u * w;
  for (uint l = 1u; l < pc.depth; ++l) {
    for (uint o = 0u; o < w; ++o) {
      float s = prm[p + w * w + o];
      for (uint i = 0u; i < w; ++i) s += prm[p + o * w + i] * z[i];
      nz[o] = activated(pc.activation, s);
    }
    for (uint o = 0u; o < w; ++o) z[o] = nz[o];
    p += w * w + w;
  }
  for (uint o = 0u; o < k; ++o) {
    float s = prm[p + k * w + o];
    for (uint i = 0u; i < w; ++i) s += prm[p + o * w + i] * z[i];
    outs[o] = s;
  }
}

float softplus(float v) { return v > 20.0 ? v + log(1.0 + exp(-v)) : log(1.0 + exp(v)); }

float kx[kMaxBins + 1u], ky[kMaxBins + 1u], kd[kMaxBins + 1u];

// Spline.h's splineKnots from outs[].
void knots(uint K, float B) {
  float topW = outs[0], topH = outs[K];
  for (uint k = 1u; k < K; ++k) {
    topW = max(topW, outs[k]);
    topH = max(topH, outs[K + k]);
  }
  float sw = 0.0, sh = 0.0;
  for (uint k = 0u; k < K; ++k) {
    sw += exp(outs[k] - topW);
    sh += exp(outs[K + k] - topH);
  }
  kx[0] = -B;
  ky[0] = -B;
  for (uint k = 0u; k < K; ++k) {
    kx[k + 1u] = kx[k] + 2.0 * B * (kMinBin + (1.0 - kMinBin * float(K)) * exp(outs[k] - topW) / sw);
    ky[k + 1u] = ky[k] + 2.0 * B * (kMinBin + (1.0 - kMinBin * float(K)) * exp(outs[K + k] - topH) / sh);
  }
  const float shift = log(exp(1.0 - kMinDerivative) - 1.0);
  kd[0] = 1.0;
  kd[K] = 1.0;
  for (uint k = 1u; k < K; ++k) kd[k] = kMinDerivative + softplus(outs[2u * K + k - 1u] + shift);
}

// The spline forward (inverse = false) or inverse at v; logDet: log |dy/dx| at the x side.
float spline(float v, bool inverse, out float logDet) {
  const uint K = pc.bins;
  const float B = pc.tailBound;
  logDet = 0.0;
  if (!(v > -B && v < B)) return v;
  knots(K, B);
  uint k = 0u;
  if (inverse)
    while (k < K - 1u && v >= ky[k + 1u]) ++k;
  else
    while (k < K - 1u && v >= kx[k + 1u]) ++k;
  const float w = kx[k + 1u] - kx[k], h = ky[k + 1u] - ky[k], s = h / w;
  const float sum = kd[k + 1u] + kd[k] - 2.0 * s;
  float xi;
  if (inverse) {
    const float dy = v - ky[k];
    const float a = h * (s - kd[k]) + dy * sum, b = h * kd[k] - dy * sum, c = -s * dy;
    xi = 2.0 * c / (-b - sqrt(max(b * b - 4.0 * a * c, 0.0)));
  } else {
    xi = (v - kx[k]) / w;
  }
  const float om = 1.0 - xi, xo = xi * om, den = s + sum * xo;
  logDet = log(s * s * (kd[k + 1u] * xi * xi + 2.0 * s * xo + kd[k] * om * om)) - 2.0 * log(den);
  return inverse ? kx[k] + xi * w : ky[k] + h * (s * xi * xi + kd[k] * xo) / den;
}

// Layer `l` applied to p (forward or inverse); returns its forward log |det J|.
float applyLayer(uint l, inout vec2 p, bool inverse) {
  const uint t = l * kLayerFloats;
  const uint type = uint(prm[t]), cond = uint(prm[t + 1u]), off = uint(prm[t + 2u]);
  if (type == kAdditive || type == kAffine || type == kSpline) {
    const uint b = 1u - cond;
    conditioner(off, p[cond], uint(prm[t + 3u]));
    if (type == kAdditive) {
      p[b] = inverse ? p[b] - outs[0] : p[b] + outs[0];
      return 0.0;
    }
    if (type == kAffine) {
      const float s = 2.0 * tanh(outs[0] / 2.0);
      p[b] = inverse ? (p[b] - outs[1]) * exp(-s) : p[b] * exp(s) + outs[1];
      return s;
    }
    float ld;
    p[b] = spline(p[b], inverse, ld);
    return ld;
  }
  if (type == kActNorm || type == kScale) {
    const bool act = type == kActNorm;
    const vec2 bias = act ? vec2(prm[off], prm[off + 1u]) : vec2(0.0);
    const vec2 ls = act ? vec2(prm[off + 2u], prm[off + 3u]) : vec2(prm[off], prm[off + 1u]);
    p = inverse ? p / exp(ls) - bias : (p + bias) * exp(ls);
    return ls.x + ls.y;
  }
  // Mixing: W = P L U (FlowSpec.h).
  const float lo = prm[off], up = prm[off + 1u];
  const float u0 = prm[t + 5u] * exp(prm[off + 2u]), u1 = prm[t + 6u] * exp(prm[off + 3u]);
  vec4 m = vec4(u0, up, lo * u0, lo * up + u1);  // rows (a b; c d) of L U
  if (prm[t + 4u] > 0.5) m = m.zwxy;
  if (inverse) {
    const float det = m.x * m.w - m.y * m.z;
    m = vec4(m.w, -m.y, -m.z, m.x) / det;
  }
  p = vec2(m.x * p.x + m.y * p.y, m.z * p.x + m.w * p.y);
  return prm[off + 2u] + prm[off + 3u];
}

void main() {
  const uint i = flatInvocation();
  if (i >= pc.n) return;
  vec2 p = pts[i];
  const bool inverse = pc.inverse != 0u;
  states[i] = p;
  for (uint k = 0u; k < pc.layers; ++k) {
    const uint l = inverse ? pc.layers - 1u - k : k;
    logDets[k * pc.n + i] = applyLayer(l, p, inverse);
    states[(k + 1u) * pc.n + i] = p;
  }
}
