#version 450
// Arrow glyphs from field_grid.comp: 6 vertices (3 lines) an arrow. Length = maxLength *
// |v| / max|v| over the visible grid (linear), opacity grows with the same ratio.
layout(location = 0) out vec4 color;
layout(std430, set = 0, binding = 0) readonly buffer Arrows {
  uint maxBits;
  uint pad0, pad1, pad2;
  vec4 arrows[];
};
layout(push_constant) uniform Push {
  vec2 center;
  vec2 ndcPerUnit;
  vec4 color;
  float maxLength;  // world units
} pc;
void main() {
  uint arrow = uint(gl_VertexIndex) / 6u;
  uint corner = uint(gl_VertexIndex) % 6u;
  vec4 a = arrows[arrow];
  float vmax = max(uintBitsToFloat(maxBits), 1e-30);
  float mag = length(a.zw);
  float ratio = mag / vmax;
  vec2 dir = mag > 0.0 ? a.zw / mag : vec2(0.0);
  vec2 side = vec2(-dir.y, dir.x);
  float len = pc.maxLength * ratio;
  vec2 tail = a.xy - 0.5 * len * dir;
  vec2 tip = a.xy + 0.5 * len * dir;
  float head = 0.3 * len;
  vec2 p = tail;
  if (corner == 1u || corner == 2u || corner == 4u) p = tip;
  if (corner == 3u) p = tip - head * dir + 0.5 * head * side;
  if (corner == 5u) p = tip - head * dir - 0.5 * head * side;
  gl_Position = vec4((p - pc.center) * vec2(pc.ndcPerUnit.x, -pc.ndcPerUnit.y), 0.0, 1.0);
  color = vec4(pc.color.rgb, pc.color.a * (0.35 + 0.65 * ratio));
}
