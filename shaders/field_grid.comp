#version 450
// Evaluates the score or the denoiser displacement D(x) - x at the nodes of a regular grid, for
// arrow glyphs. Output: header uint = bits of max |v| (atomicMax on the bit pattern is monotonic
// for non-negative floats; the host clears it to 0 first), then one vec4 (x, y, vx, vy) a node.
// CPU twin: compute/FieldGrid.cpp (fieldGridCpu).
#include "gmm.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 1) buffer Arrows {
  uint maxBits;
  uint pad0, pad1, pad2;
  vec4 arrows[];
};

layout(push_constant) uniform Push {
  vec2 origin;
  vec2 spacing;
  uint nx;
  uint ny;
  uint componentCount;
  uint mode;  // 0 score, 1 denoiser displacement D(x) - x
  float sigma;
} pc;

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= pc.nx * pc.ny) return;
  vec2 x = pc.origin + pc.spacing * vec2(float(i % pc.nx), float(i / pc.nx));
  float logp;
  vec2 d, s;
  gmmEvaluate(x, pc.sigma, pc.componentCount, logp, d, s);
  vec2 v = pc.mode == 0u ? s : d - x;
  arrows[i] = vec4(x, v);
  atomicMax(maxBits, floatBitsToUint(length(v)));
}
