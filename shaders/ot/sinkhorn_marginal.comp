#version 450
// Row i of the plan P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps): its mass sum_j P_ij and its cost
// sum_j P_ij C_ij (vec2 out). Run with the sides swapped for the columns. The binding 2 weights
// are log b_j; the row's own log a_i and f_i come in through bindings 5 and 6.
// CPU twin: sinkhornErrorAndCost in compute/Transport.cpp.
#include "sinkhorn.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 4) writeonly buffer Out { vec2 result[]; };
layout(std430, set = 0, binding = 5) readonly buffer OwnLogWeights { float ownLogWeights[]; };
layout(std430, set = 0, binding = 6) readonly buffer OwnPotential { float ownPotential[]; };

void main() {
  uint first = flatInvocation() * kRows;
  if (first >= pc.n) return;
  float inv = 1.0 / pc.eps;
  vec2 x[kRows];
  float base[kRows], mass[kRows], cost[kRows];
  for (uint r = 0u; r < kRows; ++r) {
    uint i = min(first + r, pc.n - 1u);
    x[r] = points[i];
    base[r] = ownLogWeights[i] + ownPotential[i] * inv;
    mass[r] = 0.0;
    cost[r] = 0.0;
  }
  for (uint j = 0u; j < pc.m; ++j) {
    vec2 y = others[j];
    float offset = logWeights[j] + potential[j] * inv;
    for (uint r = 0u; r < kRows; ++r) {
      float c = costOf(x[r], y);
      float p = exp(base[r] + offset - c * inv);
      mass[r] += p;
      cost[r] += p * c;
    }
  }
  for (uint r = 0u; r < kRows && first + r < pc.n; ++r) result[first + r] = vec2(mass[r], cost[r]);
}
