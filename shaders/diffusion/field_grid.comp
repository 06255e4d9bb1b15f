#version 450
// Evaluates the score grad_x log p(x) or the denoiser displacement D(x) - x of x = s x0 + tau eps
// at the nodes of a regular grid, for arrow glyphs. Output: header uint = bits of max |v| (atomicMax on the bit pattern is monotonic
// for non-negative floats; the host clears it to 0 first), then one vec4 (x, y, vx, vy) a node.
// CPU twin: compute/FieldGrid.cpp (fieldGridCpu).
#include "model.glsl"

layout(local_size_x = 64) in;
#include "dispatch.glsl"
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
  uint mode;  // 0 score, 1 denoiser displacement D(x) - x, 2 eps-prediction, 3 flow velocity eps - D
  float s;
  float tau;
  ModelRef model;  // the model, guided or not (model.glsl)
} pc;

vec2 fieldOf(vec2 x, vec2 d, vec2 g) {
  vec2 eps = (x - pc.s * d) / max(pc.tau, 1e-30);
  return pc.mode == 0u ? g : pc.mode == 1u ? d - x : pc.mode == 2u ? eps : eps - d;
}

vec2 nodeAt(uint i) { return pc.origin + pc.spacing * vec2(float(i % pc.nx), float(i / pc.nx)); }

void store(uint i, vec2 x, vec2 v) {
  arrows[i] = vec4(x, v);
  atomicMax(maxBits, floatBitsToUint(length(v)));
}

// Mixtures and couplings: one node an invocation. Datasets: kQueries nodes an invocation
// (model.glsl).
void main() {
  uint nodes = pc.nx * pc.ny;
  if (pc.model.kind != 1u) {
    uint i = flatInvocation();
    if (i >= nodes) return;
    vec2 x = nodeAt(i);
    float logp;
    vec2 d, g;
    modelEvaluate(pc.model, x, pc.s, pc.tau, logp, d, g);
    store(i, x, fieldOf(x, d, g));
    return;
  }
  uint first = flatInvocation() * kQueries;
  if (first >= nodes) return;
  vec2 x[kQueries];
  for (uint q = 0u; q < kQueries; ++q) x[q] = nodeAt(min(first + q, nodes - 1u));
  float logp[kQueries];
  vec2 d[kQueries], g[kQueries];
  modelEvaluate4(pc.model, x, pc.s, pc.tau, logp, d, g);
  for (uint q = 0u; q < kQueries && first + q < nodes; ++q) store(first + q, x[q], fieldOf(x[q], d[q], g[q]));
}
