#version 450
// Linear attention, pass 2 of 3: one invocation per entry (h, f, e) of the chunk sums turns them
// into exclusive prefix sums over chunks in place and writes the total into slot `chunks`.
layout(local_size_x = 64) in;
#include "dispatch.glsl"

layout(std430, binding = 0) buffer S { float s[]; };

layout(push_constant) uniform Push {
  uint entries, chunks;  // entries = heads * F * (DVH + 1)
} pc;

void main() {
  uint e = flatInvocation();
  if (e >= pc.entries) return;
  float run = 0.0;
  for (uint c = 0u; c < pc.chunks; ++c) {
    float t = s[c * pc.entries + e];
    s[c * pc.entries + e] = run;
    run += t;
  }
  s[pc.chunks * pc.entries + e] = run;
}
