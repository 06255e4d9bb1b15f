#version 450
// One step of any of the lab's samplers for every particle: state slot src -> dst of the history
// ring. States are vec4 (position, auxiliary: dpmpp-2m's previous denoised). Formulas and
// conventions: compute/Samplers.h; CPU twin: samplerStepCpu in compute/Samplers.cpp.
#include "model.glsl"
#include "noise.glsl"

layout(local_size_x = 64) in;
#include "dispatch.glsl"
// The sampler, compiled into the pipeline (SamplerKernel makes one per kind), so the driver drops
// every other sampler's branch; kKind repeats it for the record.
layout(constant_id = 0) const uint kKind = 3u;
layout(std430, set = 0, binding = 1) buffer States { vec4 states[]; };

layout(push_constant) uniform Push {
  uint kind;  // SamplerKind (= kKind)
  uint count;
  uint srcOffset;  // in vec4 elements
  uint dstOffset;
  uint seed;
  uint step;
  float s, tau, sNext, tauNext;
  float t, tNext, eta, churnGamma;
  float sNoise, hLast, langevinAlpha;
  uint langevinSteps;
  ModelRef model;  // the model, guided or not (model.glsl)
} pc;

const uint DDPM = 0u, DDIM = 1u, EULER = 2u, HEUN = 3u, EDM_STOCHASTIC = 4u, EULER_MARUYAMA = 5u, DPMPP_2M = 6u,
           LANGEVIN = 7u, FLOW_EULER = 8u, FLOW_MIDPOINT = 9u, FLOW_HEUN = 10u;

vec2 D(vec2 x, float s, float tau) { return modelDenoise(pc.model, x, s, tau); }
vec2 z(uint particle, uint draw) { return counterGaussian(pc.seed, pc.step, particle, draw); }
vec2 velocity(vec2 x, float t) { return (x - D(x, 1.0 - t, t)) / t; }

void main() {
  uint i = flatInvocation();
  bool inRange = i < pc.count;
  vec4 state = inRange ? states[pc.srcOffset + i] : vec4(0.0);
  vec2 x = state.xy;
  vec2 aux = state.zw;
  float sigma = pc.tau / pc.s, sigmaNext = pc.tauNext / pc.sNext;

  if (kKind == DDPM || kKind == DDIM) {
    vec2 x0 = D(x, pc.s, pc.tau);
    float ab = pc.s * pc.s, abNext = pc.sNext * pc.sNext;
    if (kKind == DDPM) {
      if (pc.tauNext == 0.0) {
        x = x0;
      } else {
        float beta = 1.0 - ab / abNext;
        float var = (1.0 - abNext) / (1.0 - ab) * beta;
        x = sqrt(abNext) * beta / (1.0 - ab) * x0 + sqrt(1.0 - beta) * (1.0 - abNext) / (1.0 - ab) * x +
            sqrt(var) * z(i, 0u);
      }
    } else {
      vec2 eps = (x - pc.s * x0) / pc.tau;
      float c = pc.eta * sqrt((1.0 - abNext) / (1.0 - ab)) * sqrt(1.0 - ab / abNext);
      x = pc.sNext * x0 + sqrt(max(0.0, 1.0 - abNext - c * c)) * eps + (c > 0.0 ? c * z(i, 0u) : vec2(0.0));
    }
  } else if (kKind == EULER || kKind == HEUN || kKind == EDM_STOCHASTIC) {
    vec2 xh = x / pc.s;
    if (kKind == EDM_STOCHASTIC && pc.churnGamma > 0.0) {
      float hat = sigma * (1.0 + pc.churnGamma);
      xh += sqrt(hat * hat - sigma * sigma) * pc.sNoise * z(i, 0u);
      sigma = hat;
    }
    vec2 d = (xh - D(xh, 1.0, sigma)) / sigma;
    vec2 next = xh + (sigmaNext - sigma) * d;
    if (kKind != EULER && sigmaNext > 0.0) {
      vec2 d2 = (next - D(next, 1.0, sigmaNext)) / sigmaNext;
      next = xh + (sigmaNext - sigma) * (0.5 * d + 0.5 * d2);
    }
    x = pc.sNext * next;
  } else if (kKind == EULER_MARUYAMA) {
    vec2 xh = x / pc.s;
    vec2 den = D(xh, 1.0, sigma);
    if (sigmaNext == 0.0) {
      x = den;
    } else {
      float dv = sigma * sigma - sigmaNext * sigmaNext;
      x = pc.sNext * (xh + dv * (den - xh) / (sigma * sigma) + sqrt(dv) * z(i, 0u));
    }
  } else if (kKind == DPMPP_2M) {
    vec2 xh = x / pc.s;
    vec2 den = D(xh, 1.0, sigma);
    vec2 next = den;
    if (sigmaNext > 0.0) {
      float h = log(sigma) - log(sigmaNext);
      vec2 dd = den;
      if (pc.hLast > 0.0) {
        float r = pc.hLast / h;
        dd = (1.0 + 1.0 / (2.0 * r)) * den - (1.0 / (2.0 * r)) * aux;
      }
      next = (sigmaNext / sigma) * xh - (exp(-h) - 1.0) * dd;
    }
    x = pc.sNext * next;
    aux = den;
  } else if (kKind == LANGEVIN) {
    for (uint k = 0u; k < pc.langevinSteps; ++k) {
      vec2 score = (D(x, 1.0, sigma) - x) / (sigma * sigma);
      x += 0.5 * pc.langevinAlpha * score + sqrt(pc.langevinAlpha) * z(i, k);
    }
    if (pc.tauNext == 0.0) x = D(x, 1.0, sigma);
  } else {
    float h = pc.tNext - pc.t;
    vec2 v1 = velocity(x, pc.t);
    if (kKind == FLOW_MIDPOINT) {
      x = x + h * velocity(x + 0.5 * h * v1, pc.t + 0.5 * h);
    } else {
      vec2 next = x + h * v1;
      if (kKind == FLOW_HEUN && pc.tNext > 0.0) next = x + h * 0.5 * (v1 + velocity(next, pc.tNext));
      x = next;
    }
  }
  if (inRange) states[pc.dstOffset + i] = vec4(x, aux);
}
