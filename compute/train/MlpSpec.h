#pragma once
// The layout of a small network, shared by every backend of the training engine: inputs x (2..64
// values) and a fixed embedding of the noise level or time, then `depth` hidden layers of `width`
// units with one activation (optionally residual from the second on), then a linear output.
//
//   a_0 = [x, emb(c), onehot(label)]       (the embedding has no trainable parameters; the
//                                           one-hot only for a class-conditional network)
//   a_1 = act(W_1 a_0 + b_1)
//   a_l = act(W_l a_{l-1} + b_l) (+ a_{l-1} when residual), l = 2..depth
//   y   = W_out a_depth + b_out
//
// Weights are row-major out x in, as PyTorch's nn.Linear stores them.
#include <cstdint>
#include <string>

namespace flowscope {

enum class Activation { Relu, Silu, Gelu, Tanh, Elu };
std::string activationName(Activation a);
Activation parseActivation(const std::string& name);  // InputError listing the names

// Features of a scalar c (c_noise or t). Sinusoidal (DDPM / diffusers `Timesteps`, max period
// 10,000, cos first): f_k = 10000^(-k/h); random Fourier (EDM's FourierFeatures, Tancik et al.
// 2020): f_k ~ N(0, scale^2) seeded, features cos(2 pi f_k c), sin(2 pi f_k c). h = width / 2.
enum class EmbeddingKind { None, Sinusoidal, RandomFourier };
std::string embeddingName(EmbeddingKind k);
EmbeddingKind parseEmbedding(const std::string& name);

struct EmbeddingSpec {
  EmbeddingKind kind = EmbeddingKind::RandomFourier;
  int width = 32;       // even, 2..256 (0 with kind None)
  double scale = 16.0;  // random Fourier: the frequencies' standard deviation
  uint64_t seed = 0;    // random Fourier: the frequencies' draw
};

struct MlpSpec {
  int inputs = 2;   // x's width, 1..64
  int outputs = 2;  // 1..64
  int width = 64;   // hidden units, 16..512
  int depth = 3;    // hidden layers, 1..8
  Activation activation = Activation::Silu;
  bool residual = false;
  EmbeddingSpec embedding;
  // Class-conditional with K classes (0: not): the first layer also sees a one-hot of K + 1
  // values, the last one "no class" (label dropout's, and unconditional queries).
  int classes = 0;
  uint64_t seed = 1;  // the initial weights' draw

  int embeddingWidth() const { return embedding.kind == EmbeddingKind::None ? 0 : embedding.width; }
  int classInputs() const { return classes > 0 ? classes + 1 : 0; }
  int firstInputs() const { return inputs + embeddingWidth() + classInputs(); }
};

// InputError naming the first bad field ("width: between 16 and 512").
void validate(const MlpSpec& spec);

}  // namespace flowscope
