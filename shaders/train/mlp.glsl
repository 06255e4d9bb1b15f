// What the fused MLP kernels share (mlp_forward.comp, mlp_backward.comp, mlp_weight_grad.comp):
// one set of buffers, one push block, the layer offsets of MlpLayout (compute/train/ReferenceMlp.h:
// hidden layers 1..depth then the output layer L = depth + 1, each W out x in row-major, then b).
// Host side and CPU twins: compute/train/VulkanMlp.cpp, FastCpuMlp.cpp, ReferenceMlp.cpp.
#include "activations.glsl"

// Buffers: a_0 (batch x in0); z_l and a_l for l = 1..depth (batch x width each, layer after
// layer); y and dL/dy (batch x outputs); dL/dz_l (as z_l); dL/dx (batch x xInputs); dL/dparams.
layout(std430, set = 0, binding = 0) readonly buffer Params { float params[]; };
layout(std430, set = 0, binding = 1) readonly buffer Inputs { float inputs[]; };
layout(std430, set = 0, binding = 2) buffer Pre { float pre[]; };
layout(std430, set = 0, binding = 3) buffer Post { float post[]; };
layout(std430, set = 0, binding = 4) buffer Outputs { float outputs[]; };
layout(std430, set = 0, binding = 5) readonly buffer OutGrad { float dy[]; };
layout(std430, set = 0, binding = 6) buffer PreGrad { float dz[]; };
layout(std430, set = 0, binding = 7) buffer InGrad { float dx[]; };
layout(std430, set = 0, binding = 8) buffer ParamGrad { float grad[]; };

layout(push_constant) uniform Push {
  uint batch;
  uint in0;      // the first layer's inputs: x and the level's embedding
  uint xInputs;  // x's width (dx's columns)
  uint outputs;
  uint width;
  uint depth;
  uint activation;
  uint residual;  // a_l += a_{l-1} for l >= 2
  uint keep;      // forward: write z_l and a_l for backward
  uint count;     // parameters
} pc;

uint fanInOf(uint l) { return l == 1u ? pc.in0 : pc.width; }
uint fanOutOf(uint l) { return l == pc.depth + 1u ? pc.outputs : pc.width; }

// Offset of layer l's W (its b follows at + fanOut * fanIn).
uint layerOffset(uint l) {
  if (l == 1u) return 0u;
  return pc.width * pc.in0 + pc.width + (l - 2u) * (pc.width * pc.width + pc.width);
}

// Element (row, unit) of a per-layer array (Pre, Post, PreGrad) for hidden layer l.
uint hiddenAt(uint l, uint row, uint unit) {
  return ((l - 1u) * pc.batch + row) * pc.width + unit;
}
