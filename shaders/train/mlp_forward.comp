#version 450
// The whole network's forward pass for a tile of kRows batch rows per work group, fully fused
// (in the spirit of tiny-cuda-nn's fully fused MLP): the tile's activations stay in shared
// memory from the input to the output layer, ping-ponging between two halves. With pc.keep,
// each hidden layer's z_l and a_l are written out for backward. CPU twin: FastCpuMlp::forward.
layout(local_size_x = 64) in;
layout(constant_id = 0) const uint kRows = 8u;    // batch rows a work group
layout(constant_id = 1) const uint kWidth = 64u;  // >= in0, width and outputs
#include "dispatch.glsl"
#include "mlp.glsl"

shared float tile[2u * kRows * kWidth];

void main() {
  const uint t = gl_LocalInvocationID.x, row0 = flatWorkGroup() * kRows;
  for (uint k = t; k < kRows * pc.in0; k += 64u) {
    uint r = k / pc.in0, i = k % pc.in0, row = row0 + r;
    tile[r * kWidth + i] = row < pc.batch ? inputs[row * pc.in0 + i] : 0.0;
  }
  barrier();
  uint src = 0u, dst = kRows * kWidth;
  for (uint l = 1u; l <= pc.depth + 1u; ++l) {
    const uint fanIn = fanInOf(l), fanOut = fanOutOf(l), w = layerOffset(l);
    const bool last = l == pc.depth + 1u;
    for (uint k = t; k < kRows * fanOut; k += 64u) {
      uint r = k / fanOut, o = k % fanOut, row = row0 + r;
      float z = params[w + fanOut * fanIn + o];
      for (uint i = 0u; i < fanIn; ++i) z += params[w + o * fanIn + i] * tile[src + r * kWidth + i];
      if (last) {
        if (row < pc.batch) outputs[row * pc.outputs + o] = z;
        continue;
      }
      float a = activated(pc.activation, z);
      if (pc.residual != 0u && l >= 2u) a += tile[src + r * kWidth + o];
      tile[dst + r * kWidth + o] = a;
      if (pc.keep != 0u && row < pc.batch) {
        pre[hiddenAt(l, row, o)] = z;
        post[hiddenAt(l, row, o)] = a;
      }
    }
    barrier();
    uint swap = src;
    src = dst;
    dst = swap;
  }
}
