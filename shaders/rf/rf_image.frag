#version 450
// The Receptive Field lab's input image (gray) with the effective receptive field over it
// (magma, alpha growing with sqrt of the value / peak). Input pixel (row, col) covers
// framebuffer pixels origin + scale * [col, col + 1) x [row, row + 1).
layout(location = 0) in vec2 uv;
layout(location = 0) out vec4 outColor;
layout(std430, set = 0, binding = 0) readonly buffer Image { float img[]; };
layout(std430, set = 0, binding = 1) readonly buffer Erf { float erf[]; };
layout(std430, set = 0, binding = 2) readonly buffer Colormap { vec4 lut[256]; };
layout(push_constant) uniform Push {
  vec2 viewport;
  vec2 origin;
  float scale;
  uint width;
  uint height;
  float peak;     // 0: no ERF drawn
  float opacity;
} pc;

void main() {
  const vec2 p = (uv * pc.viewport - pc.origin) / pc.scale;
  if (p.x < 0.0 || p.y < 0.0 || p.x >= float(pc.width) || p.y >= float(pc.height)) discard;
  const uint i = uint(p.y) * pc.width + uint(p.x);
  vec3 c = vec3(img[i]) * 0.85;
  if (pc.peak > 0.0) {
    const float t = clamp(erf[i] / pc.peak, 0.0, 1.0);
    if (t > 0.0) c = mix(c, lut[int(t * 255.0 + 0.5)].rgb, pc.opacity * min(1.0, 0.25 + sqrt(t)));
  }
  outColor = vec4(c, 1.0);
}
