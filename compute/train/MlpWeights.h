#pragma once
// A trained network as a safetensors file (Safetensors.h), in the layout of a PyTorch module
//
//   class Mlp(nn.Module):            # layers[0..depth-1] hidden, layers[depth] the output
//       self.layers = nn.ModuleList([nn.Linear(in_k, out_k) for k in range(depth + 1)])
//
// tensors "layers.<k>.weight" [out, in] and "layers.<k>.bias" [out], plus
// "embedding.frequencies" [width / 2] (angular: the features are cos(w c) then sin(w c)) when
// there is an embedding, and the specification in the metadata key "flowscope_mlp" (JSON:
// inputs, outputs, width, depth, activation, residual, embedding {kind, width, scale, seed}).
#include <string>
#include <vector>

#include "MlpSpec.h"

namespace flowscope {

struct MlpWeights {
  MlpSpec spec;
  std::vector<double> parameters;  // MlpLayout order
};

// The file's bytes (float32 or float64 tensors).
std::string encodeMlp(const MlpWeights& weights, bool float32);
// InputError naming the file and the tensor or field at fault: a missing or malformed
// specification, a missing tensor, a shape the specification does not give, embedding
// frequencies that differ from the ones its seed draws.
MlpWeights decodeMlp(const std::string& bytes, const std::string& path);

}  // namespace flowscope
