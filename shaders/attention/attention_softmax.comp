#version 450
// Streaming softmax attention (online softmax, FlashAttention's recurrence): a workgroup takes 64
// queries of one head and walks the keys in tiles of TILE keys; each query keeps a running max,
// a running sum and its output accumulator, so no n x m matrix is ever stored. Each tile's scores
// are computed first, the running state rescaled once by the tile's max, then the values
// accumulated. Causal queries stop at their own position. Scores use exp2 with the scale
// pre-multiplied by log2(e). CPU twin: attentionStreamingCpu (same tiles, same order).
// Registers hold vec4s: head widths are padded to a multiple of 4 with zeros.
layout(local_size_x = 64) in;
#include "dispatch.glsl"
layout(constant_id = 0) const uint DH = 64;   // head width of queries and keys
layout(constant_id = 1) const uint DVH = 64;  // head width of values
const uint DH4 = (DH + 3u) / 4u;
const uint DVH4 = (DVH + 3u) / 4u;
const uint TILE = 32;  // = kStreamTile in compute/Attention.h

layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer K { float k[]; };
layout(std430, binding = 2) readonly buffer V { float v[]; };
layout(std430, binding = 3) writeonly buffer O { float o[]; };

layout(push_constant) uniform Push {
  uint n, m, d, dv, heads, causal;
  float scaleLog2e;
} pc;

vec4 load4(uint base, uint c4, uint width, bool fromK) {
  vec4 r = vec4(0.0);
  for (uint e = 0u; e < 4u; ++e) {
    uint c = c4 * 4u + e;
    if (c < width) r[e] = fromK ? k[base + c] : v[base + c];
  }
  return r;
}

void main() {
  uint blocks = (pc.n + 63u) / 64u;
  uint h = flatWorkGroup() / blocks;
  uint i = (flatWorkGroup() % blocks) * 64u + gl_LocalInvocationID.x;
  if (i >= pc.n || h >= pc.heads) return;  // h: groups past the count in a split dispatch

  vec4 qi[DH4];
  vec4 acc[DVH4];
  for (uint c4 = 0u; c4 < DH4; ++c4) {
    vec4 x = vec4(0.0);
    for (uint e = 0u; e < 4u; ++e)
      if (c4 * 4u + e < DH) x[e] = q[i * pc.d + h * DH + c4 * 4u + e];
    qi[c4] = x * pc.scaleLog2e;
  }
  for (uint c4 = 0u; c4 < DVH4; ++c4) acc[c4] = vec4(0.0);
  float mx = -3.0e38, l = 0.0;
  uint end = pc.causal != 0u ? min(pc.m, i + 1u) : pc.m;
  float s[TILE];
  for (uint t0 = 0u; t0 < end; t0 += TILE) {
    uint count = min(TILE, end - t0);
    float tileMax = -3.0e38;
    for (uint jj = 0u; jj < count; ++jj) {
      uint base = (t0 + jj) * pc.d + h * DH;
      float dotv = 0.0;
      for (uint c4 = 0u; c4 < DH4; ++c4) dotv += dot(qi[c4], load4(base, c4, DH, true));
      s[jj] = dotv;
      tileMax = max(tileMax, dotv);
    }
    float newMax = max(mx, tileMax);
    float corr = exp2(mx - newMax);
    l *= corr;
    for (uint c4 = 0u; c4 < DVH4; ++c4) acc[c4] *= corr;
    mx = newMax;
    for (uint jj = 0u; jj < count; ++jj) {
      float p = exp2(s[jj] - mx);
      l += p;
      uint base = (t0 + jj) * pc.dv + h * DVH;
      for (uint c4 = 0u; c4 < DVH4; ++c4) acc[c4] += p * load4(base, c4, DVH, false);
    }
  }
  for (uint c4 = 0u; c4 < DVH4; ++c4)
    for (uint e = 0u; e < 4u; ++e)
      if (c4 * 4u + e < DVH) o[i * pc.dv + h * DVH + c4 * 4u + e] = acc[c4][e] / l;
}
