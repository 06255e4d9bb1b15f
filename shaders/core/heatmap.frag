#version 450
// Clamps the interpolated, normalised value from heatmap.vert and looks up its colour.
layout(location = 0) in float t;
layout(location = 0) out vec4 outColor;
layout(std430, set = 0, binding = 1) readonly buffer Colormap { vec4 lut[256]; };
layout(push_constant) uniform Push {
  uint nx;
  uint ny;
  float vmin;
  float vmax;
  float opacity;
} pc;
void main() { outColor = vec4(lut[int(clamp(t, 0.0, 1.0) * 255.0 + 0.5)].rgb, pc.opacity); }
