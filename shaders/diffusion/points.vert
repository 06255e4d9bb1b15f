#version 450
// Particles as point primitives, read straight from the STORAGE|VERTEX history buffer.
layout(location = 0) in vec2 position;
layout(location = 0) out vec4 color;
layout(push_constant) uniform Push {
  vec2 center;
  vec2 ndcPerUnit;  // world -> NDC scale; y is flipped here (world y up, Vulkan NDC y down)
  vec4 color;
  float pointSize;
} pc;
void main() {
  gl_Position = vec4((position - pc.center) * vec2(pc.ndcPerUnit.x, -pc.ndcPerUnit.y), 0.0, 1.0);
  gl_PointSize = pc.pointSize;
  color = pc.color;
}
