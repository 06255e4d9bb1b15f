#version 450
// The attention matrix itself, for display and --weights-out: one invocation per (head, query)
// writes its row of m weights. Mode 0: softmax of the scores q . k * scale (max subtracted);
// mode 1: linear kinds, a_ij = phi(q_i) . phi(k_j) / sum_j' phi(q_i) . phi(k_j') (0 when the sum
// is 0). Masked keys get 0. Inputs are prepared rows (RoPE'd or feature-mapped), `width` floats
// per head. CPU twin: attentionReference(..., weights = true).
layout(local_size_x = 64) in;
#include "dispatch.glsl"

layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer K { float k[]; };
layout(std430, binding = 2) writeonly buffer A { float a[]; };

layout(push_constant) uniform Push {
  uint n, m, width, heads, mode, causal;
  float scaleLog2e;
} pc;

void main() {
  uint task = flatInvocation();
  if (task >= pc.n * pc.heads) return;
  uint h = task / pc.n, i = task % pc.n;
  uint stride = pc.width * pc.heads;
  uint qo = i * stride + h * pc.width;
  uint visible = pc.causal != 0u ? min(pc.m, i + 1u) : pc.m;
  uint row = (h * pc.n + i) * pc.m;
  float mx = -3.0e38, total = 0.0;
  for (uint j = 0u; j < visible; ++j) {
    float s = 0.0;
    for (uint c = 0u; c < pc.width; ++c) s += q[qo + c] * k[j * stride + h * pc.width + c];
    if (pc.mode == 0u) mx = max(mx, s * pc.scaleLog2e);
    else total += s;
  }
  if (pc.mode == 0u)
    for (uint j = 0u; j < visible; ++j) {
      float s = 0.0;
      for (uint c = 0u; c < pc.width; ++c) s += q[qo + c] * k[j * stride + h * pc.width + c];
      total += exp2(s * pc.scaleLog2e - mx);
    }
  for (uint j = 0u; j < pc.m; ++j) {
    float w = 0.0;
    if (j < visible) {
      float s = 0.0;
      for (uint c = 0u; c < pc.width; ++c) s += q[qo + c] * k[j * stride + h * pc.width + c];
      w = pc.mode == 0u ? exp2(s * pc.scaleLog2e - mx) / total : (total > 0.0 ? s / total : 0.0);
    }
    a[row + j] = w;
  }
}
