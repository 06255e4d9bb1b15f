#version 450
// Axes, ticks, shapes and glyphs, built on the host in pixel coordinates (origin top-left).
layout(location = 0) in vec2 pixel;
layout(location = 1) in vec4 inColor;
layout(location = 2) in vec2 inAtlas;
layout(location = 0) out vec4 color;
layout(location = 1) out vec2 atlas;
layout(push_constant) uniform Push {
  vec2 viewportSize;
  uvec2 atlasSize;
} pc;
void main() {
  gl_Position = vec4(pixel / pc.viewportSize * 2.0 - 1.0, 0.0, 1.0);
  color = inColor;
  atlas = inAtlas;
}
