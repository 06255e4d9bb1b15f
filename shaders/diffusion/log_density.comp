#version 450
// log p(x) of x = s x0 + tau eps on a regular grid (row-major, node (i, j) at origin + spacing * (i, j)).
// CPU twin: compute/DensityGrid.cpp (logDensityGridCpu).
#include "model.glsl"

layout(local_size_x = 64) in;
#include "dispatch.glsl"
layout(std430, set = 0, binding = 1) writeonly buffer Grid { float values[]; };

layout(push_constant) uniform Push {
  vec2 origin;
  vec2 spacing;
  uint nx;
  uint ny;
  float s;
  float tau;
  ModelRef model;  // model.glsl: never guided (the data's own density, GpuModelData::dataRef);
                   // a learned model: the data mixture (components 0 .. count - 1)
} pc;

vec2 nodeAt(uint i) { return pc.origin + pc.spacing * vec2(float(i % pc.nx), float(i / pc.nx)); }

// Mixtures and couplings: one node an invocation. Datasets: kQueries nodes an invocation
// (model.glsl).
void main() {
  uint nodes = pc.nx * pc.ny;
  if (pc.model.kind != 1u) {
    uint i = flatInvocation();
    if (i >= nodes) return;
    float logp = -3.0e38;  // a learned model: the data mixture's density alone, no network
    vec2 d, g;
    if (pc.model.kind != 3u)
      rangeEvaluate(pc.model.kind, pc.model.first, pc.model.count, nodeAt(i), pc.s, pc.tau, logp, d, g);
    else if (pc.model.count > 0u)
      gmmEvaluate(nodeAt(i), pc.s, pc.tau, 0u, pc.model.count, logp, d, g);
    values[i] = logp;
    return;
  }
  uint first = flatInvocation() * kQueries;
  if (first >= nodes) return;
  vec2 x[kQueries];
  for (uint q = 0u; q < kQueries; ++q) x[q] = nodeAt(min(first + q, nodes - 1u));
  float logp[kQueries];
  vec2 d[kQueries], g[kQueries];
  empiricalEvaluate4(x, pc.s, pc.tau, pc.model.first, pc.model.count, logp, d, g);
  for (uint q = 0u; q < kQueries && first + q < nodes; ++q) values[first + q] = logp[q];
}
