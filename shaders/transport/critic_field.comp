#version 450
// A critic network f: R^2 -> R (compute/train/CriticMlp.h: depth hidden layers of `width` units,
// one activation, a linear output; weights row-major out x in, MlpLayout order) and its input
// gradient by forward-mode tangents, one invocation a point:
//   z_l = W_l a_{l-1} + b_l, a_l = act(z_l); t_l^k = act'(z_l) W_l t_{l-1}^k, t_0^k = e_k;
//   f = w . a_depth + b, grad_k f = w . t_depth^k.
// CPU twin: CriticMlpT<float>::evaluate.
layout(local_size_x = 64) in;
#include "dispatch.glsl"
#include "activations.glsl"

layout(std430, binding = 0) readonly buffer Params { float prm[]; };
layout(std430, binding = 1) readonly buffer Points { vec2 pts[]; };
layout(std430, binding = 2) writeonly buffer Values { vec4 out_[]; };  // f, df/dx, df/dy, 0
layout(push_constant) uniform Push {
  uint n, width, depth, activation;
} pc;

const uint kMaxWidth = 512u;

void main() {
  const uint i = flatInvocation();
  if (i >= pc.n) return;
  const uint w = pc.width;
  float a[kMaxWidth], t0[kMaxWidth], t1[kMaxWidth];
  float na[kMaxWidth], n0[kMaxWidth], n1[kMaxWidth];
  const vec2 x = pts[i];
  uint p = 0u;
  for (uint o = 0u; o < w; ++o) {  // the first layer: 2 inputs
    const float z = prm[p + 2u * o] * x.x + prm[p + 2u * o + 1u] * x.y + prm[p + 2u * w + o];
    const float s = activationSlope(pc.activation, z);
    a[o] = activated(pc.activation, z);
    t0[o] = s * prm[p + 2u * o];
    t1[o] = s * prm[p + 2u * o + 1u];
  }
  p += 3u * w;
  for (uint l = 1u; l < pc.depth; ++l) {
    for (uint o = 0u; o < w; ++o) {
      float z = prm[p + w * w + o], s0 = 0.0, s1 = 0.0;
      for (uint k = 0u; k < w; ++k) {
        const float wk = prm[p + o * w + k];
        z += wk * a[k];
        s0 += wk * t0[k];
        s1 += wk * t1[k];
      }
      const float s = activationSlope(pc.activation, z);
      na[o] = activated(pc.activation, z);
      n0[o] = s * s0;
      n1[o] = s * s1;
    }
    for (uint o = 0u; o < w; ++o) {
      a[o] = na[o];
      t0[o] = n0[o];
      t1[o] = n1[o];
    }
    p += w * w + w;
  }
  float f = prm[p + w], g0 = 0.0, g1 = 0.0;
  for (uint k = 0u; k < w; ++k) {
    f += prm[p + k] * a[k];
    g0 += prm[p + k] * t0[k];
    g1 += prm[p + k] * t1[k];
  }
  out_[i] = vec4(f, g0, g1, 0.0);
}
