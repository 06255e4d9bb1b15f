#include "MlpSpec.h"

#include <cmath>

#include "EnumNames.h"
#include "InputError.h"
#include "Limits.h"

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
  requireInRange("inputs", s.inputs, 1, 64);
  requireInRange("outputs", s.outputs, 1, 64);
  requireInRange("width", s.width, 16, 512);
  requireInRange("depth", s.depth, 1, 8);
  requireInRange("classes", s.classes, 0, 64);
  if (s.embedding.kind != EmbeddingKind::None) {
    requireInRange("embedding width", s.embedding.width, 2, 256);
    if (s.embedding.width % 2 != 0) throw InputError("embedding width: must be even");
    if (!(s.embedding.scale > 0.0 && s.embedding.scale <= 1e4))
      throw InputError("embedding scale: above 0 and at most 10000");
  }
}

}  // namespace flowscope
