#version 450
// Turns the per-pixel particle counts of splat.comp into colour: alpha grows with log(1 + n).
layout(location = 0) in vec2 uv;
layout(location = 0) out vec4 outColor;
layout(std430, set = 0, binding = 0) readonly buffer Counts { uint counts[]; };

layout(push_constant) uniform Push {
  vec4 color;
  uint width;
  uint height;
  float saturation;  // count at which alpha reaches 1
} pc;

void main() {
  uvec2 p = uvec2(uv * vec2(pc.width, pc.height));
  uint n = counts[min(p.y, pc.height - 1u) * pc.width + min(p.x, pc.width - 1u)];
  if (n == 0u) discard;
  float a = clamp(0.35 + 0.65 * log(1.0 + float(n)) / log(1.0 + pc.saturation), 0.0, 1.0);
  outColor = vec4(pc.color.rgb, a * pc.color.a);
}
