#version 450
// InkLayer's quad: the inked box of a host-rasterised coverage image, in the content's pixels.
layout(push_constant) uniform Push {
  vec4 color;
  vec2 viewportSize;   // the content's size, pixels
  uvec2 contentOrigin; // the content's top-left in the framebuffer (for gl_FragCoord)
  uvec2 boxOrigin;     // the box's top-left in the content
  uvec2 boxSize;
} pc;
void main() {
  const vec2 corners[6] = vec2[](vec2(0, 0), vec2(1, 0), vec2(1, 1), vec2(0, 0), vec2(1, 1), vec2(0, 1));
  vec2 pixel = vec2(pc.boxOrigin) + corners[gl_VertexIndex] * vec2(pc.boxSize);
  gl_Position = vec4(pixel / pc.viewportSize * 2.0 - 1.0, 0.0, 1.0);
}
