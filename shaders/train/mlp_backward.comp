#version 450
// The whole network's backward pass through the data for a tile of kRows batch rows per work
// group, fused like the forward: from dL/dy down to dL/dx, the tile's gradients kept in shared
// memory in three parts (da_l, dz_l, da_{l-1}). Each hidden layer's dz_l = da_l * act'(z_l) is
// written out for the weight gradients (mlp_weight_grad.comp). CPU twin: FastCpuMlp::backward.
//   da_depth = W_L^T dy;  dz_l = da_l * act'(z_l);  da_{l-1} = W_l^T dz_l (+ da_l if residual).
layout(local_size_x = 64) in;
layout(constant_id = 0) const uint kRows = 8u;
layout(constant_id = 1) const uint kWidth = 64u;
#include "dispatch.glsl"
#include "mlp.glsl"

shared float tile[3u * kRows * kWidth];

// part[dst] (row r, input i) = sum_o W_l[o][i] * part[src](r, o), plus part[add] when add != ~0.
void backThrough(uint l, uint src, uint dst, uint add) {
  const uint fanIn = fanInOf(l), fanOut = fanOutOf(l), w = layerOffset(l);
  for (uint k = gl_LocalInvocationID.x; k < kRows * fanIn; k += 64u) {
    uint r = k / fanIn, i = k % fanIn;
    float s = 0.0;
    for (uint o = 0u; o < fanOut; ++o) s += params[w + o * fanIn + i] * tile[src + r * kWidth + o];
    if (add != 0xffffffffu) s += tile[add + r * kWidth + i];
    tile[dst + r * kWidth + i] = s;
  }
}

void main() {
  const uint t = gl_LocalInvocationID.x, row0 = flatWorkGroup() * kRows, part = kRows * kWidth;
  for (uint k = t; k < kRows * pc.outputs; k += 64u) {
    uint r = k / pc.outputs, o = k % pc.outputs, row = row0 + r;
    tile[part + r * kWidth + o] = row < pc.batch ? dy[row * pc.outputs + o] : 0.0;
  }
  barrier();
  uint da = 0u, dzPart = part, next = 2u * part;
  backThrough(pc.depth + 1u, dzPart, da, 0xffffffffu);
  barrier();
  for (uint l = pc.depth; l >= 1u; --l) {
    for (uint k = t; k < kRows * pc.width; k += 64u) {
      uint r = k / pc.width, o = k % pc.width, row = row0 + r;
      float g = 0.0;
      if (row < pc.batch) {
        g = tile[da + r * kWidth + o] * activationSlope(pc.activation, pre[hiddenAt(l, row, o)]);
        dz[hiddenAt(l, row, o)] = g;
      }
      tile[dzPart + r * kWidth + o] = g;
    }
    barrier();
    backThrough(l, dzPart, next, pc.residual != 0u && l >= 2u ? da : 0xffffffffu);
    barrier();
    uint old = da;
    da = next;
    next = old;
  }
  for (uint k = t; k < kRows * pc.xInputs; k += 64u) {
    uint r = k / pc.xInputs, i = k % pc.xInputs, row = row0 + r;
    if (row < pc.batch) dx[row * pc.xInputs + i] = tile[da + r * kWidth + i];
  }
}
