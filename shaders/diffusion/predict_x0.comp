#version 450
// The x0-prediction D(x) of the first `count` particles of a state (the ghost points drawn beside
// them): out[i] = (x, D(x)). CPU twin: predictX0Cpu in compute/Prediction.cpp.
#include "model.glsl"

layout(local_size_x = 64) in;  // = kTile in model.glsl
#include "dispatch.glsl"
layout(std430, set = 0, binding = 1) readonly buffer States { vec4 states[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Predictions { vec4 predictions[]; };

layout(push_constant) uniform Push {
  uint count;
  uint srcOffset;
  float s;
  float tau;
  ModelRef model;  // the model, guided or not (model.glsl)
} pc;

void main() {
  uint i = flatInvocation();
  bool inRange = i < pc.count;
  vec2 x = inRange ? states[pc.srcOffset + i].xy : vec2(0.0);
  float logp;
  vec2 d, g;
  modelEvaluate(pc.model, x, pc.s, pc.tau, logp, d, g);
  if (inRange) predictions[i] = vec4(x, d);
}
