#version 450
// The forward pass of one receptive-field op: one invocation per output unit. Conv: the sum of
// weight x input over the taps inside the input (zero padding), then ReLU when asked; max pool:
// the largest tap (padding is -inf) and the index of its first occurrence (row-major taps) in
// argmax; average pool: the sum over taps inside / k^2; add: the input; relu: max(input, 0). accumulate: out += value.
// CPU twin: forwardCpu in ReceptiveField.cpp.
layout(local_size_x = 64) in;
#include "dispatch.glsl"
layout(std430, binding = 0) buffer Act { float act[]; };
layout(std430, binding = 1) readonly buffer Weights { float w[]; };
layout(std430, binding = 2) buffer ArgMax { int argmax[]; };
#include "rf.glsl"

void main() {
  const uint count = pc.outH * pc.outW;
  for (uint idx = flatInvocation(); idx < count; idx += flatInvocationCount()) {
    const int oy = int(idx / pc.outW), ox = int(idx % pc.outW);
    float v = 0.0;
    if (pc.kind == kAdd) {
      v = act[pc.inOff + idx];
    } else if (pc.kind == kRelu) {
      v = max(act[pc.inOff + idx], 0.0);
    } else {
      float best = -3.4e38;
      int arg = -1;
      for (int ty = 0; ty < int(pc.kernel); ++ty) {
        const int iy = oy * int(pc.stride) - int(pc.padding) + ty * int(pc.dilation);
        if (iy < 0 || iy >= int(pc.inH)) continue;
        for (int tx = 0; tx < int(pc.kernel); ++tx) {
          const int ix = ox * int(pc.stride) - int(pc.padding) + tx * int(pc.dilation);
          if (ix < 0 || ix >= int(pc.inW)) continue;
          const float x = act[pc.inOff + uint(iy) * pc.inW + uint(ix)];
          if (pc.kind == kConv) {
            v += w[pc.wOff + uint(ty) * pc.kernel + uint(tx)] * x;
          } else if (pc.kind == kAvgPool) {
            v += x;
          } else if (arg < 0 || x > best) {
            best = x;
            arg = iy * int(pc.inW) + ix;
          }
        }
      }
      if (pc.kind == kAvgPool) v /= float(pc.kernel * pc.kernel);
      if (pc.kind == kMaxPool) {
        v = arg < 0 ? 0.0 : best;
        argmax[pc.outOff + idx] = arg;
      }
      if (pc.relu != 0u) v = max(v, 0.0);
    }
    act[pc.outOff + idx] = pc.accumulate != 0u ? act[pc.outOff + idx] + v : v;
  }
}
