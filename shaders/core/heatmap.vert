#version 450
// The heatmap as a mesh: one quad (two triangles) per cell of a node grid whose node (i, j) sits
// at pixel (i, j) * cellPixels, row 0 at the top. The vertex shader normalises the node's value
// without clamping; the rasteriser interpolates it linearly across the cell and the fragment
// shader clamps and looks up the colour, so contours stay smooth. A fullscreen pass sampling the
// grid per pixel costs several ms on a CPU rasteriser; this costs a fraction of it because
// cells whose four corners all sit below the colour range are dropped (moved outside the clip
// volume): the frame is cleared to lut[0], so they look the same and cost no fill.
layout(location = 0) out float t;
layout(std430, set = 0, binding = 0) readonly buffer Grid { float values[]; };

layout(push_constant) uniform Push {
  uint nx;
  uint ny;
  float vmin;
  float vmax;
  float opacity;
  float cellPixels;
  vec2 viewportSize;
} pc;

float normalised(uvec2 node) { return (values[node.y * pc.nx + node.x] - pc.vmin) / (pc.vmax - pc.vmin); }

void main() {
  const uvec2 corners[6] = uvec2[](uvec2(0, 0), uvec2(1, 0), uvec2(1, 1), uvec2(0, 0), uvec2(1, 1), uvec2(0, 1));
  uint cell = uint(gl_VertexIndex) / 6u;
  uvec2 base = uvec2(cell % (pc.nx - 1u), cell / (pc.nx - 1u));
  uvec2 node = base + corners[uint(gl_VertexIndex) % 6u];
  t = normalised(node);
  float cellMax = max(max(normalised(base), normalised(base + uvec2(1, 0))),
                      max(normalised(base + uvec2(0, 1)), normalised(base + uvec2(1, 1))));
  vec2 pixel = vec2(node) * pc.cellPixels;
  gl_Position = cellMax > 0.0 ? vec4(pixel / pc.viewportSize * 2.0 - 1.0, 0.0, 1.0) : vec4(2.0, 2.0, 0.0, 1.0);
}
