#version 450
// Fading trails: for particle p and segment j (0 = newest), a line from state newest-j-1 to
// newest-j, fetched from the history ring (state s lives in slot s % slotCount).
layout(location = 0) out vec4 color;
layout(std430, set = 0, binding = 0) readonly buffer States { vec4 states[]; };
layout(push_constant) uniform Push {
  vec2 center;
  vec2 ndcPerUnit;
  vec4 color;
  uint particleCount;  // stride of one state in the ring
  uint slotCount;
  uint newestState;
  uint segments;
} pc;
void main() {
  uint v = uint(gl_VertexIndex);
  uint end = v & 1u;
  uint seg = (v >> 1) % pc.segments;
  uint particle = (v >> 1) / pc.segments;
  uint state = pc.newestState - seg - (1u - end);
  vec2 p = states[(state % pc.slotCount) * pc.particleCount + particle].xy;
  gl_Position = vec4((p - pc.center) * vec2(pc.ndcPerUnit.x, -pc.ndcPerUnit.y), 0.0, 1.0);
  float age = (float(seg) + 1.0 - float(end)) / float(pc.segments);
  color = vec4(pc.color.rgb, pc.color.a * (1.0 - age));
}
