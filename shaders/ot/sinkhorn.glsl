// Log-domain Sinkhorn over two point clouds, costs recomputed on the fly (Transport.h). One
// invocation handles kRows rows, so each point of the other cloud is loaded once for all of them.
// Bindings: 0 this side's points, 1 the other side's points, 2 log of the other side's weights,
// 3 the other side's potential, 4 output.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Points { vec2 points[]; };
layout(std430, set = 0, binding = 1) readonly buffer Others { vec2 others[]; };
layout(std430, set = 0, binding = 2) readonly buffer LogWeights { float logWeights[]; };
layout(std430, set = 0, binding = 3) readonly buffer Potential { float potential[]; };

layout(push_constant) uniform Push {
  uint n;      // rows (this side)
  uint m;      // columns (the other side)
  float eps;
  uint cost;   // 0 squared Euclidean, 1 Euclidean
} pc;

const uint kRows = 16u;  // = kSinkhornRows in compute/SinkhornKernel.cpp

float costOf(vec2 x, vec2 y) {
  vec2 d = x - y;
  float s = dot(d, d);
  return pc.cost == 0u ? s : sqrt(s);
}
