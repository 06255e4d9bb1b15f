#version 450
// Splats particles into a per-pixel count image (atomic adds), the cheap way to draw large
// clouds on any device. Pixel (px, py) has its origin at the top-left, y down.
// CPU twin: compute/Splat.cpp (splatCpu).
layout(local_size_x = 256) in;
#include "dispatch.glsl"
layout(std430, set = 0, binding = 0) readonly buffer States { vec4 states[]; };  // xy: position
layout(std430, set = 0, binding = 1) buffer Counts { uint counts[]; };

layout(push_constant) uniform Push {
  vec2 center;         // world point at the image centre
  vec2 pixelsPerUnit;  // x and y scale, world -> pixels
  uint width;
  uint height;
  uint count;
  uint srcOffset;
} pc;

void main() {
  uint i = flatInvocation();
  if (i >= pc.count) return;
  vec2 p = states[pc.srcOffset + i].xy;
  float fx = (p.x - pc.center.x) * pc.pixelsPerUnit.x + 0.5 * float(pc.width);
  float fy = 0.5 * float(pc.height) - (p.y - pc.center.y) * pc.pixelsPerUnit.y;
  if (!(fx >= 0.0 && fy >= 0.0 && fx < float(pc.width) && fy < float(pc.height))) return;
  atomicAdd(counts[uint(fy) * pc.width + uint(fx)], 1u);
}
