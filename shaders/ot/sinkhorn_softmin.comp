#version 450
// f_i = -eps log sum_j b_j exp((g_j - C_ij) / eps) for kRows rows an invocation: a tile's largest
// term first, then one rescale and one exp a term (branch-free online log-sum-exp).
// CPU twin: softminRows in compute/Transport.cpp.
#include "sinkhorn.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 4) writeonly buffer Out { float result[]; };

const uint kTile = 64u;

void main() {
  uint first = flatInvocation() * kRows;
  if (first >= pc.n) return;
  vec2 x[kRows];
  float m[kRows], s[kRows];
  for (uint r = 0u; r < kRows; ++r) x[r] = points[min(first + r, pc.n - 1u)], m[r] = -3.0e38, s[r] = 0.0;
  float inv = 1.0 / pc.eps;
  for (uint base = 0u; base < pc.m; base += kTile) {
    uint count = min(kTile, pc.m - base);
    float tileMax[kRows];
    for (uint r = 0u; r < kRows; ++r) tileMax[r] = -3.0e38;
    for (uint k = 0u; k < count; ++k) {
      uint j = base + k;
      vec2 y = others[j];
      float offset = logWeights[j] + potential[j] * inv;
      for (uint r = 0u; r < kRows; ++r) tileMax[r] = max(tileMax[r], offset - costOf(x[r], y) * inv);
    }
    for (uint r = 0u; r < kRows; ++r) {
      float next = max(m[r], tileMax[r]);
      s[r] *= exp(m[r] - next);
      m[r] = next;
    }
    for (uint k = 0u; k < count; ++k) {
      uint j = base + k;
      vec2 y = others[j];
      float offset = logWeights[j] + potential[j] * inv;
      for (uint r = 0u; r < kRows; ++r) s[r] += exp(offset - costOf(x[r], y) * inv - m[r]);
    }
  }
  for (uint r = 0u; r < kRows && first + r < pc.n; ++r) result[first + r] = -pc.eps * (m[r] + log(s[r]));
}
