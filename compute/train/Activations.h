#pragma once
// The activations and their derivatives in double precision (the reference backend's): ELU with
// alpha 1, GELU exact (erf), SiLU z sigmoid(z).
#include <cmath>

#include "MlpSpec.h"

namespace flowscope {

inline double activate(Activation a, double z) {
  switch (a) {
    case Activation::Relu:
      return z > 0.0 ? z : 0.0;
    case Activation::Silu:
      return z / (1.0 + std::exp(-z));
    case Activation::Gelu:
      return 0.5 * z * (1.0 + std::erf(z / std::sqrt(2.0)));
    case Activation::Tanh:
      return std::tanh(z);
    case Activation::Elu:
      return z > 0.0 ? z : std::expm1(z);
  }
  return z;
}

// d act / dz at z.
inline double activationSlope(Activation a, double z) {
  switch (a) {
    case Activation::Relu:
      return z > 0.0 ? 1.0 : 0.0;
    case Activation::Silu: {
      const double s = 1.0 / (1.0 + std::exp(-z));
      return s * (1.0 + z * (1.0 - s));
    }
    case Activation::Gelu: {
      const double cdf = 0.5 * (1.0 + std::erf(z / std::sqrt(2.0)));
      const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
      return cdf + z * pdf;
    }
    case Activation::Tanh: {
      const double t = std::tanh(z);
      return 1.0 - t * t;
    }
    case Activation::Elu:
      return z > 0.0 ? 1.0 : std::exp(z);
  }
  return 1.0;
}

// d^2 act / dz^2 at z (a gradient penalty's backward pass needs it; ReLU's is 0 almost
// everywhere).
inline double activationCurvature(Activation a, double z) {
  switch (a) {
    case Activation::Relu:
      return 0.0;
    case Activation::Silu: {
      const double s = 1.0 / (1.0 + std::exp(-z));
      return s * (1.0 - s) * (2.0 + z * (1.0 - 2.0 * s));
    }
    case Activation::Gelu:
      return std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI) * (2.0 - z * z);
    case Activation::Tanh: {
      const double t = std::tanh(z);
      return -2.0 * t * (1.0 - t * t);
    }
    case Activation::Elu:
      return z > 0.0 ? 0.0 : std::exp(z);
  }
  return 0.0;
}

}  // namespace flowscope
