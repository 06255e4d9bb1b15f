#version 450
// A matrix as blocks: one quad per entry, row 0 at the top, filling the viewport (the caller sets
// the viewport to the inset's rectangle). Entries at or below vmin are dropped (moved outside the
// clip volume): the inset's background shows through.
layout(location = 0) flat out float t;
layout(std430, set = 0, binding = 0) readonly buffer Values { float values[]; };

layout(push_constant) uniform Push {
  uint cols;
  uint rows;
  float vmin;
  float vmax;
  float opacity;
  float unusedCellPixels;  // keeps heatmap.vert's push layout (one push struct for both)
  vec2 viewportSize;
} pc;

void main() {
  const uvec2 corners[6] = uvec2[](uvec2(0, 0), uvec2(1, 0), uvec2(1, 1), uvec2(0, 0), uvec2(1, 1), uvec2(0, 1));
  uint cell = uint(gl_VertexIndex) / 6u;
  uvec2 rc = uvec2(cell % pc.cols, cell / pc.cols);
  vec2 corner = vec2(rc + corners[uint(gl_VertexIndex) % 6u]) / vec2(pc.cols, pc.rows);
  t = (values[cell] - pc.vmin) / (pc.vmax - pc.vmin);
  gl_Position = t > 0.0 ? vec4(corner * 2.0 - 1.0, 0.0, 1.0) : vec4(2.0, 2.0, 0.0, 1.0);
}
