#version 450
// One EDM step (Karras et al. 2022, Algorithm 1) for every particle: Euler, or Heun with its
// second-order correction when sigmaNext > 0. Reads state slot src, writes slot dst of the same
// history buffer. CPU twin: compute/EdmSampler.cpp (edmStepCpu).
#include "gmm.glsl"

layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 1) buffer States { vec2 states[]; };

layout(push_constant) uniform Push {
  uint count;
  uint componentCount;
  uint srcOffset;  // in vec2 elements
  uint dstOffset;  // in vec2 elements
  float sigmaCur;
  float sigmaNext;
  uint heun;
} pc;

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= pc.count) return;
  vec2 x = states[pc.srcOffset + i];
  vec2 d = (x - gmmDenoise(x, pc.sigmaCur, pc.componentCount)) / pc.sigmaCur;
  float h = pc.sigmaNext - pc.sigmaCur;
  vec2 next = x + h * d;
  if (pc.heun != 0u && pc.sigmaNext > 0.0) {
    vec2 d2 = (next - gmmDenoise(next, pc.sigmaNext, pc.componentCount)) / pc.sigmaNext;
    next = x + h * (0.5 * d + 0.5 * d2);
  }
  states[pc.dstOffset + i] = next;
}
