#pragma once
// Structs shared with shaders (push constants, std430 elements) pin their size and every
// member's offset to what the GLSL block gives them, so an edit on either side that moves a
// member fails to compile instead of reading garbage on the GPU.
#include <cstddef>

#define FLOWSCOPE_SHADER_SIZE(Type, bytes) \
  static_assert(sizeof(Type) == (bytes), #Type " must be " #bytes " bytes, as in the shader")
#define FLOWSCOPE_SHADER_OFFSET(Type, member, offset) \
  static_assert(offsetof(Type, member) == (offset),   \
                #Type "::" #member " must sit at byte " #offset ", as in the shader")
