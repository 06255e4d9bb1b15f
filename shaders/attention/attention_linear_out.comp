#version 450
// Linear attention, pass 3 of 3: one invocation per (query, head). Non-causal: the totals.
// Causal: query i < m reads the exclusive prefix of its chunk and adds the keys of its own chunk
// up to position i (phi(q_i) . phi(k_j) v_j); i >= m reads the totals. out = num / den, 0 when
// den is 0.
layout(local_size_x = 64) in;
#include "dispatch.glsl"
layout(constant_id = 0) const uint DVH = 64;
const uint CHUNK = 64;

layout(std430, binding = 0) readonly buffer FQ { float fq[]; };  // n x (heads * F)
layout(std430, binding = 1) readonly buffer FK { float fk[]; };  // m x (heads * F)
layout(std430, binding = 2) readonly buffer V { float v[]; };
layout(std430, binding = 3) readonly buffer S { float s[]; };
layout(std430, binding = 4) writeonly buffer O { float o[]; };

layout(push_constant) uniform Push {
  uint n, m, dv, heads, features, chunks, causal;
} pc;

void main() {
  uint task = flatInvocation();
  if (task >= pc.n * pc.heads) return;
  uint i = task / pc.heads, h = task % pc.heads;
  uint stride = pc.heads * pc.features;
  bool inside = pc.causal != 0u && i < pc.m;
  uint slot = inside ? i / CHUNK : pc.chunks;
  uint entries = pc.heads * pc.features * (DVH + 1u);
  float acc[DVH + 1u];
  for (uint e = 0u; e <= DVH; ++e) acc[e] = 0.0;
  uint qo = i * stride + h * pc.features;
  for (uint f = 0u; f < pc.features; ++f) {
    float phi = fq[qo + f];
    uint base = slot * entries + (h * pc.features + f) * (DVH + 1u);
    for (uint e = 0u; e <= DVH; ++e) acc[e] += phi * s[base + e];
  }
  if (inside)
    for (uint j = slot * CHUNK; j <= i; ++j) {
      float a = 0.0;
      for (uint f = 0u; f < pc.features; ++f) a += fq[qo + f] * fk[j * stride + h * pc.features + f];
      for (uint e = 0u; e < DVH; ++e) acc[e] += a * v[j * pc.dv + h * DVH + e];
      acc[DVH] += a;
    }
  for (uint e = 0u; e < DVH; ++e)
    o[i * pc.dv + h * DVH + e] = acc[DVH] > 0.0 ? acc[e] / acc[DVH] : 0.0;
}
