#version 450
// Prepares queries or keys for attention, one invocation per (row, head): RoPE (mode 0: pairs
// (2i, 2i+1) of the head slice rotated by the host's cos/sin table, angles computed in double),
// elu+1 (mode 1), relu (mode 2) or Performer's positive random features (mode 3:
// exp(w_r . x' - |x'|^2/2 - shift) / sqrt(M), x' = rootScale * x; shift = the row's max exponent
// for queries, the host's max_r |w_r|^2/2 for keys). CPU twin: applyRope / featureMap.
layout(local_size_x = 64) in;
#include "dispatch.glsl"

layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) buffer Out { float y[]; };
// mode 0: rows x (dh/2) pairs of (cos, sin); mode 3: M x dh projection rows.
layout(std430, binding = 2) readonly buffer Table { float table[]; };

layout(push_constant) uniform Push {
  uint rows, d, heads, mode, features;  // features: M (mode 3)
  float rootScale, keyShift;
  uint perRowShift;  // mode 3: 1 for queries
} pc;

void main() {
  uint task = flatInvocation();
  if (task >= pc.rows * pc.heads) return;
  uint r = task / pc.heads, h = task % pc.heads;
  uint dh = pc.d / pc.heads;
  uint src = r * pc.d + h * dh;
  if (pc.mode == 0u) {
    uint pairs = dh / 2u;
    for (uint i = 0u; i < pairs; ++i) {
      vec2 cs = vec2(table[2u * (r * pairs + i)], table[2u * (r * pairs + i) + 1u]);
      float a = x[src + 2u * i], b = x[src + 2u * i + 1u];
      y[src + 2u * i] = a * cs.x - b * cs.y;
      y[src + 2u * i + 1u] = a * cs.y + b * cs.x;
    }
  } else if (pc.mode == 1u || pc.mode == 2u) {
    for (uint c = 0u; c < dh; ++c) {
      float v = x[src + c];
      y[src + c] = pc.mode == 1u ? (v > 0.0 ? v + 1.0 : exp(v)) : max(v, 0.0);
    }
  } else {
    uint m = pc.features, dst = r * pc.heads * m + h * m;
    float half_ = 0.0;
    for (uint c = 0u; c < dh; ++c) {
      float v = pc.rootScale * x[src + c];
      half_ += v * v;
    }
    half_ *= 0.5;
    float mx = -3.0e38;
    for (uint f = 0u; f < m; ++f) {
      float a = 0.0;
      for (uint c = 0u; c < dh; ++c) a += table[f * dh + c] * (pc.rootScale * x[src + c]);
      a -= half_;
      y[dst + f] = a;
      mx = max(mx, a);
    }
    float shift = pc.perRowShift != 0u ? mx : pc.keyShift;
    float norm = inversesqrt(float(m));
    // Reads back what this invocation wrote above (no other invocation touches these entries).
    for (uint f = 0u; f < m; ++f) y[dst + f] = exp(y[dst + f] - shift) * norm;
  }
}
