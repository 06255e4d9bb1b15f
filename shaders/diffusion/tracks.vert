#version 450
// The tracked particles' paths from the simulation's track buffer (state s of tracked particle p
// at s * trackedCount + p). Mode 0: full paths, states 0 .. current as line segments; mode 1:
// one line from state 0 to the current state (the noise-to-sample coupling).
layout(location = 0) out vec4 color;
layout(std430, set = 0, binding = 0) readonly buffer Track { vec4 track[]; };
layout(push_constant) uniform Push {
  vec2 center;
  vec2 ndcPerUnit;
  vec4 color;
  uint trackedCount;
  uint current;
  uint mode;
} pc;
void main() {
  uint v = uint(gl_VertexIndex);
  uint end = v & 1u;
  uint state, particle;
  if (pc.mode == 0u) {
    uint seg = (v >> 1) % pc.current;
    particle = (v >> 1) / pc.current;
    state = seg + end;
  } else {
    particle = v >> 1;
    state = end * pc.current;
  }
  vec2 p = track[state * pc.trackedCount + particle].xy;
  gl_Position = vec4((p - pc.center) * vec2(pc.ndcPerUnit.x, -pc.ndcPerUnit.y), 0.0, 1.0);
  color = pc.color;
}
