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
// What the network was trained to predict is the optional metadata key "flowscope_objective"
// (JSON: kind edm|ddpm-eps|ddpm-v|flow, sigma_data, p_mean, p_std, schedule, train_steps,
// t_sampling, t_mean, t_std): a file with it is a learned model the samplers can use.
#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

#include "MlpSpec.h"
#include "Objective.h"

namespace flowscope {

struct MlpWeights {
  MlpSpec spec;
  std::vector<double> parameters;  // MlpLayout order
  std::optional<ObjectiveSpec> objective;
  // The file's embedding frequencies when they are not the ones the specification's seed draws
  // (a network trained elsewhere, e.g. exported from PyTorch); empty otherwise.
  std::vector<double> frequencies;
};

// A class-conditional network asked for one class (0..K-1, or K: no class) as the unconditional
// network it then is: the one-hot's columns leave the first layer, the chosen one's weights join
// its bias (W [x, e, onehot] + b = W' [x, e] + (b + W_label)). `weights` unchanged when it is not
// class-conditional; InputError for a label out of range.
MlpWeights withClassFolded(const MlpWeights& weights, int label);

// The file's bytes (float32 or float64 tensors).
std::string encodeMlp(const MlpWeights& weights, bool float32);
// InputError naming the file and the tensor or field at fault: a missing or malformed
// specification or objective, a missing tensor, a shape the specification does not give, a weight
// that is not finite.
MlpWeights decodeMlp(const std::string& bytes, const std::string& path);

// The metadata's JSON (also what scene files store); the readers throw InputError "<why>"
// (validated, missing or mistyped keys named).
nlohmann::json mlpSpecJson(const MlpSpec& s);
MlpSpec mlpSpecFromJson(const nlohmann::json& j);
nlohmann::json objectiveJson(const ObjectiveSpec& o);
ObjectiveSpec objectiveFromJson(const nlohmann::json& j);

}  // namespace flowscope
