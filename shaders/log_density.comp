#version 450
// log p_sigma(x) on a regular grid (row-major, node (i, j) at origin + spacing * (i, j)).
// CPU twin: compute/DensityGrid.cpp (logDensityGridCpu).
#include "gmm.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 1) writeonly buffer Grid { float values[]; };

layout(push_constant) uniform Push {
  vec2 origin;
  vec2 spacing;
  uint nx;
  uint ny;
  uint componentCount;
  float sigma;
} pc;

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= pc.nx * pc.ny) return;
  vec2 x = pc.origin + pc.spacing * vec2(float(i % pc.nx), float(i / pc.nx));
  float logp;
  vec2 d, s;
  gmmEvaluate(x, pc.sigma, pc.componentCount, logp, d, s);
  values[i] = logp;
}
