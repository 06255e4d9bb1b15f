// The training engine's activations (compute/train/MlpSpec.h: 0 relu, 1 silu, 2 gelu, 3 tanh,
// 4 elu with alpha 1) and their slopes, in float. CPU twin: compute/train/Activations.h.

float erfApprox(float x) {  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7
  float t = 1.0 / (1.0 + 0.3275911 * abs(x));
  float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
                   0.254829592) * t * exp(-x * x);
  return sign(x) * y;
}

float activated(uint kind, float z) {
  if (kind == 0u) return max(z, 0.0);
  if (kind == 1u) return z / (1.0 + exp(-z));
  if (kind == 2u) return 0.5 * z * (1.0 + erfApprox(z * 0.70710678));
  if (kind == 3u) return tanh(z);
  return z > 0.0 ? z : exp(z) - 1.0;
}

// d activated / dz at z.
float activationSlope(uint kind, float z) {
  if (kind == 0u) return z > 0.0 ? 1.0 : 0.0;
  if (kind == 1u) {
    float s = 1.0 / (1.0 + exp(-z));
    return s * (1.0 + z * (1.0 - s));
  }
  if (kind == 2u)
    return 0.5 * (1.0 + erfApprox(z * 0.70710678)) + z * 0.39894228 * exp(-0.5 * z * z);
  if (kind == 3u) {
    float t = tanh(z);
    return 1.0 - t * t;
  }
  return z > 0.0 ? 1.0 : exp(z);
}
