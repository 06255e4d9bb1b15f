#version 450
// Linear attention, pass 1 of 3: per chunk of CHUNK keys, head h and feature f, the chunk's sums
// S[c][h][f][e] = sum_j phi(k_j)_f v_je (e < DVH) and z = sum_j phi(k_j)_f (stored at e = DVH).
// CPU twin: linearAttentionPrefix.
layout(local_size_x = 64) in;
#include "dispatch.glsl"
layout(constant_id = 0) const uint DVH = 64;
const uint CHUNK = 64;

layout(std430, binding = 0) readonly buffer FK { float fk[]; };  // m x (heads * F)
layout(std430, binding = 1) readonly buffer V { float v[]; };    // m x dv
layout(std430, binding = 2) writeonly buffer S { float s[]; };   // (chunks + 1) x heads x F x (DVH + 1)

layout(push_constant) uniform Push {
  uint m, dv, heads, features, chunks;
} pc;

void main() {
  uint task = flatInvocation();
  if (task >= pc.chunks * pc.heads * pc.features) return;
  uint f = task % pc.features, h = (task / pc.features) % pc.heads;
  uint c = task / (pc.features * pc.heads);
  float acc[DVH + 1u];
  for (uint e = 0u; e <= DVH; ++e) acc[e] = 0.0;
  uint stride = pc.heads * pc.features;
  for (uint j = c * CHUNK; j < min(pc.m, (c + 1u) * CHUNK); ++j) {
    float phi = fk[j * stride + h * pc.features + f];
    for (uint e = 0u; e < DVH; ++e) acc[e] += phi * v[j * pc.dv + h * DVH + e];
    acc[DVH] += phi;
  }
  uint base = task * (DVH + 1u);
  for (uint e = 0u; e <= DVH; ++e) s[base + e] = acc[e];
}
