#version 450
// One triangle covering the viewport; uv is (0,0) at the top-left, (1,1) at the bottom-right.
layout(location = 0) out vec2 uv;
void main() {
  vec2 p = vec2(float((gl_VertexIndex << 1) & 2), float(gl_VertexIndex & 2));
  uv = p;
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
