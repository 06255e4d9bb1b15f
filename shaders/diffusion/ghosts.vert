#version 450
// x0-predictions from predict_x0.comp (vec4: particle xy, prediction xy). Mode 0: a line from
// each particle to its prediction (2 vertices a particle); mode 1: the prediction as a point.
layout(location = 0) out vec4 color;
layout(std430, set = 0, binding = 0) readonly buffer Predictions { vec4 predictions[]; };
layout(push_constant) uniform Push {
  vec2 center;
  vec2 ndcPerUnit;
  vec4 color;
  uint mode;
  float pointSize;
} pc;
void main() {
  uint v = uint(gl_VertexIndex);
  vec4 p = predictions[pc.mode == 0u ? v / 2u : v];
  vec2 at = pc.mode == 0u && (v & 1u) == 0u ? p.xy : p.zw;
  gl_Position = vec4((at - pc.center) * vec2(pc.ndcPerUnit.x, -pc.ndcPerUnit.y), 0.0, 1.0);
  gl_PointSize = pc.pointSize;
  color = vec4(pc.color.rgb, pc.mode == 0u ? pc.color.a * 0.45 : pc.color.a);
}
