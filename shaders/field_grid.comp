#version 450
// Evaluates the score grad_x log p(x) or the denoiser displacement D(x) - x of x = s x0 + tau eps
// at the nodes of a regular grid, for arrow glyphs. Output: header uint = bits of max |v| (atomicMax on the bit pattern is monotonic
// for non-negative floats; the host clears it to 0 first), then one vec4 (x, y, vx, vy) a node.
// CPU twin: compute/FieldGrid.cpp (fieldGridCpu).
#include "model.glsl"

layout(local_size_x = 64) in;  // = kTile in model.glsl
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
  uint modelCount;
  uint mode;  // 0 score, 1 denoiser displacement D(x) - x, 2 eps-prediction, 3 flow velocity eps - D
  float s;
  float tau;
  uint model;  // 0 mixture, 1 dataset (model.glsl)
} pc;

void main() {
  uint i = gl_GlobalInvocationID.x;
  bool inRange = i < pc.nx * pc.ny;  // every invocation evaluates: the model streams with barriers
  vec2 x = pc.origin + pc.spacing * vec2(float(i % pc.nx), float(i / pc.nx));
  float logp;
  vec2 d, g;
  modelEvaluate(pc.model, x, pc.s, pc.tau, pc.modelCount, logp, d, g);
  if (!inRange) return;
  vec2 eps = (x - pc.s * d) / max(pc.tau, 1e-30);
  vec2 v = pc.mode == 0u ? g : pc.mode == 1u ? d - x : pc.mode == 2u ? eps : eps - d;
  arrows[i] = vec4(x, v);
  atomicMax(maxBits, floatBitsToUint(length(v)));
}
