#pragma once
#include <cstdint>

namespace flowscope {

// What arrows and streamlines show. Velocity is the ODE velocity: flow dx/dt = eps - x0 (kernel
// mode 3); diffusion d(x/s)/dsigma = eps (the EDM form, same values as the eps-prediction).
enum class FieldKind : uint32_t { Score = 0, DenoiserDisplacement = 1, Eps = 2, Velocity = 3 };
// The kernel mode for a field on a process (`flow`: x = (1 - t) x0 + t eps).
inline uint32_t fieldMode(FieldKind kind, bool flow) {
  return kind == FieldKind::Velocity && !flow ? uint32_t(FieldKind::Eps) : uint32_t(kind);
}

}  // namespace flowscope
