#include "MlpSpec.h"

#include <cmath>

#include "EnumNames.h"
#include "InputError.h"

namespace flowscope {
namespace {

const NamedValue<Activation> kActivations[] = {{Activation::Relu, "relu"},
                                               {Activation::Silu, "silu"},
                                               {Activation::Gelu, "gelu"},
                                               {Activation::Tanh, "tanh"},
                                               {Activation::Elu, "elu"}};
const NamedValue<EmbeddingKind> kEmbeddings[] = {{EmbeddingKind::None, "none"},
                                                 {EmbeddingKind::Sinusoidal, "sinusoidal"},
                                                 {EmbeddingKind::RandomFourier, "fourier"}};

void requireBetween(const std::string& field, int v, int lo, int hi) {
  if (v < lo || v > hi)
    throw InputError(field + ": between " + std::to_string(lo) + " and " + std::to_string(hi) +
                     " (got " + std::to_string(v) + ")");
}

}  // namespace

std::string activationName(Activation a) {
  return nameIn(kActivations, a);
}
Activation parseActivation(const std::string& name) {
  return parseIn(kActivations, name, "activation");
}
std::string embeddingName(EmbeddingKind k) {
  return nameIn(kEmbeddings, k);
}
EmbeddingKind parseEmbedding(const std::string& name) {
  return parseIn(kEmbeddings, name, "embedding");
}

void validate(const MlpSpec& s) {
  requireBetween("inputs", s.inputs, 1, 64);
  requireBetween("outputs", s.outputs, 1, 64);
  requireBetween("width", s.width, 16, 512);
  requireBetween("depth", s.depth, 1, 8);
  if (s.embedding.kind != EmbeddingKind::None) {
    requireBetween("embedding width", s.embedding.width, 2, 256);
    if (s.embedding.width % 2 != 0) throw InputError("embedding width: must be even");
    if (!(s.embedding.scale > 0.0 && s.embedding.scale <= 1e4))
      throw InputError("embedding scale: above 0 and at most 10000");
  }
}

}  // namespace flowscope
