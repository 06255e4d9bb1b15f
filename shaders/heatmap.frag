#version 450
// Samples a scalar grid that covers the viewport exactly (node centres at pixel-cell centres of
// an nx x ny image, row 0 at the top), bilinearly, and maps it through a 256-entry colormap.
layout(location = 0) in vec2 uv;
layout(location = 0) out vec4 outColor;
layout(std430, set = 0, binding = 0) readonly buffer Grid { float values[]; };
layout(std430, set = 0, binding = 1) readonly buffer Colormap { vec4 lut[256]; };

layout(push_constant) uniform Push {
  uint nx;
  uint ny;
  float vmin;
  float vmax;
  float opacity;
} pc;

float at(int i, int j) {
  i = clamp(i, 0, int(pc.nx) - 1);
  j = clamp(j, 0, int(pc.ny) - 1);
  return values[j * int(pc.nx) + i];
}

void main() {
  vec2 g = uv * vec2(pc.nx, pc.ny) - 0.5;
  ivec2 g0 = ivec2(floor(g));
  vec2 f = g - vec2(g0);
  float v = mix(mix(at(g0.x, g0.y), at(g0.x + 1, g0.y), f.x),
                mix(at(g0.x, g0.y + 1), at(g0.x + 1, g0.y + 1), f.x), f.y);
  float t = clamp((v - pc.vmin) / (pc.vmax - pc.vmin), 0.0, 1.0);
  outColor = vec4(lut[int(t * 255.0 + 0.5)].rgb, pc.opacity);
}
