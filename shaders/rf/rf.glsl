// Shared by rf_forward.comp and rf_backward.comp: one operation of the receptive-field
// surrogate (ReceptiveField.h, RfOp) on planes stored back to back in one buffer, and the
// grid-stride loop that lets a dispatch of at most 65535 groups cover any plane.
layout(push_constant) uniform Push {
  uint kind;     // 0 conv, 1 maxpool, 2 avgpool, 3 add, 4 relu; backward also 5 seed, 6 |g| sum
  uint inOff;    // first float of the input plane
  uint outOff;   // first float of the output plane
  uint inH, inW, outH, outW;
  uint kernel, stride, padding, dilation;
  uint wOff;     // conv: first tap in the weights
  uint relu;     // forward: ReLU after a conv; backward: mask by the output's activation > 0
  uint accumulate;
  uint unit;     // seed: the impulse's index in the output plane
  float scale;   // |g| accumulate: the weight of this seed (1 / seeds)
} pc;

const uint kConv = 0u, kMaxPool = 1u, kAvgPool = 2u, kAdd = 3u, kRelu = 4u, kSeed = 5u, kAbsAdd = 6u;
const uint kLocal = 64u;
