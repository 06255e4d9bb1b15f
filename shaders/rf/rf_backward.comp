#version 450
// The backward pass of one receptive-field op (a transpose convolution and its pooling kin): one
// invocation per input pixel gathers the output units whose taps read it. Conv: sum of weight x
// gradient (masked by the output's activation > 0 when a ReLU followed); max pool: the gradient
// of every window whose argmax is this pixel; average pool: gradient / k^2; add: the gradient; relu: the gradient where the output > 0.
// accumulate: in += value (a plane read by several ops). Also: seed (a unit impulse in a plane)
// and |g| accumulate (the ERF, averaged over seeds). CPU twin: backwardCpu in ReceptiveField.cpp.
layout(local_size_x = 64) in;
#include "dispatch.glsl"
layout(std430, binding = 0) buffer Grad { float g[]; };
layout(std430, binding = 1) readonly buffer Weights { float w[]; };
layout(std430, binding = 2) readonly buffer ArgMax { int argmax[]; };
layout(std430, binding = 3) readonly buffer Act { float act[]; };
#include "rf.glsl"

// The output coordinate whose tap t reads input coordinate i, or -1.
int outIndex(int i, int t, uint n) {
  const int num = i + int(pc.padding) - t * int(pc.dilation);
  if (num < 0 || num % int(pc.stride) != 0) return -1;
  const int o = num / int(pc.stride);
  return o < int(n) ? o : -1;
}

void main() {
  const uint count = pc.inH * pc.inW;
  for (uint idx = flatInvocation(); idx < count; idx += flatInvocationCount()) {
    if (pc.kind == kSeed) {
      g[pc.inOff + idx] = idx == pc.unit ? 1.0 : 0.0;
      continue;
    }
    if (pc.kind == kAbsAdd) {
      const float add = abs(g[pc.inOff + idx]) * pc.scale;
      g[pc.outOff + idx] = pc.accumulate != 0u ? g[pc.outOff + idx] + add : add;
      continue;
    }
    const int iy = int(idx / pc.inW), ix = int(idx % pc.inW);
    float v = 0.0;
    if (pc.kind == kAdd) {
      v = g[pc.outOff + idx];
    } else if (pc.kind == kRelu) {
      v = act[pc.outOff + idx] > 0.0 ? g[pc.outOff + idx] : 0.0;
    } else {
      const float norm = 1.0 / float(pc.kernel * pc.kernel);
      for (int ty = 0; ty < int(pc.kernel); ++ty) {
        const int oy = outIndex(iy, ty, pc.outH);
        if (oy < 0) continue;
        for (int tx = 0; tx < int(pc.kernel); ++tx) {
          const int ox = outIndex(ix, tx, pc.outW);
          if (ox < 0) continue;
          const uint o = pc.outOff + uint(oy) * pc.outW + uint(ox);
          if (pc.kind == kConv) {
            if (pc.relu == 0u || act[o] > 0.0) v += w[pc.wOff + uint(ty) * pc.kernel + uint(tx)] * g[o];
          } else if (pc.kind == kAvgPool) {
            v += g[o] * norm;
          } else if (argmax[o] == int(idx)) {
            v += g[o];
          }
        }
      }
    }
    g[pc.inOff + idx] = pc.accumulate != 0u ? g[pc.inOff + idx] + v : v;
  }
}
