#version 450
// Solid shapes (atlas < 0) take their colour; glyphs are OverlayFont's signed distance field
// (one byte per texel, 0.5 on the edge), sampled bilinearly and anti-aliased over one screen
// pixel, so text is smooth at any UI scale.
layout(location = 0) in vec4 color;
layout(location = 1) in vec2 atlas;
layout(location = 0) out vec4 outColor;
layout(push_constant) uniform Push {
  vec2 viewportSize;
  uvec2 atlasSize;
} pc;
layout(std430, set = 0, binding = 0) readonly buffer Atlas { uint texels[]; };

float texel(ivec2 p) {
  p = clamp(p, ivec2(0), ivec2(pc.atlasSize) - 1);
  uint i = uint(p.y) * pc.atlasSize.x + uint(p.x);
  return float((texels[i >> 2] >> ((i & 3u) * 8u)) & 0xFFu) / 255.0;
}

float distanceAt(vec2 t) {
  vec2 s = t - 0.5;
  ivec2 i = ivec2(floor(s));
  vec2 f = s - floor(s);
  float top = mix(texel(i), texel(i + ivec2(1, 0)), f.x);
  float bottom = mix(texel(i + ivec2(0, 1)), texel(i + ivec2(1, 1)), f.x);
  return mix(top, bottom, f.y);
}

void main() {
  if (atlas.x < 0.0) {
    outColor = color;
    return;
  }
  float d = distanceAt(atlas);
  float w = max(fwidth(d), 1e-4);
  outColor = vec4(color.rgb, color.a * smoothstep(0.5 - 0.7 * w, 0.5 + 0.7 * w, d));
}
