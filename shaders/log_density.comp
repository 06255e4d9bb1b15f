#version 450
// log p(x) of x = s x0 + tau eps on a regular grid (row-major, node (i, j) at origin + spacing * (i, j)).
// CPU twin: compute/DensityGrid.cpp (logDensityGridCpu).
#include "model.glsl"

layout(local_size_x = 64) in;  // = kTile in model.glsl
layout(std430, set = 0, binding = 1) writeonly buffer Grid { float values[]; };

layout(push_constant) uniform Push {
  vec2 origin;
  vec2 spacing;
  uint nx;
  uint ny;
  uint modelCount;
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
  values[i] = logp;
}
