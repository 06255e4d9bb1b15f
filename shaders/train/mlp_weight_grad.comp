#version 450
// dL/dparams after mlp_backward.comp, one invocation per parameter, each summing over the batch
// in row order (so a step's gradient is the same bits every run): for layer l's W[o][i] the sum
// of dz_l[r][o] a_{l-1}[r][i], for b[o] the sum of dz_l[r][o] (the output layer's dz is dy).
// Written, not added: the host adds it to its gradient. CPU twin: FastCpuMlp::backward.
layout(local_size_x = 64) in;
#include "dispatch.glsl"
#include "mlp.glsl"

float dzAt(uint l, uint row, uint o) {
  return l == pc.depth + 1u ? dy[row * pc.outputs + o] : dz[hiddenAt(l, row, o)];
}

float aAt(uint l, uint row, uint i) {  // a_l, l = 0 .. depth
  return l == 0u ? inputs[row * pc.in0 + i] : post[hiddenAt(l, row, i)];
}

void main() {
  const uint p = flatInvocation();
  if (p >= pc.count) return;
  uint l = 1u;
  while (l <= pc.depth && p >= layerOffset(l + 1u)) ++l;
  const uint fanIn = fanInOf(l), fanOut = fanOutOf(l), local = p - layerOffset(l);
  float s = 0.0;
  if (local >= fanOut * fanIn) {
    const uint o = local - fanOut * fanIn;
    for (uint r = 0u; r < pc.batch; ++r) s += dzAt(l, r, o);
  } else {
    const uint o = local / fanIn, i = local % fanIn;
    for (uint r = 0u; r < pc.batch; ++r) s += dzAt(l, r, o) * aAt(l - 1u, r, i);
  }
  grad[p] = s;
}
