#version 450
// One colour at the coverage InkImage stored for this pixel (one byte a pixel, four a word).
layout(location = 0) out vec4 outColor;
layout(push_constant) uniform Push {
  vec4 color;
  vec2 viewportSize;
  uvec2 contentOrigin;
  uvec2 boxOrigin;
  uvec2 boxSize;
} pc;
layout(std430, set = 0, binding = 0) readonly buffer Coverage { uint texels[]; };
void main() {
  uvec2 p = uvec2(gl_FragCoord.xy) - pc.contentOrigin - pc.boxOrigin;
  if (p.x >= pc.boxSize.x || p.y >= pc.boxSize.y) discard;
  uint i = p.y * pc.boxSize.x + p.x;
  float a = float((texels[i >> 2] >> ((i & 3u) * 8u)) & 0xFFu) / 255.0;
  if (a == 0.0) discard;
  outColor = vec4(pc.color.rgb, pc.color.a * a);
}
