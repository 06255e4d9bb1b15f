#pragma once
// A trained flow as a safetensors file: the specification (FlowSpec JSON) in the metadata key
// "flowscope_flow", one tensor "layers.<i>" per layer holding that layer's parameters in the
// order FlowNetwork reads them (a coupling: its conditioner's MlpLayout, each W out x in then b;
// actnorm b0 b1 log s0 log s1; mixing l u log s0 log s1; scaling lambda0 lambda1), and the
// training's held-out NLL in "flowscope_flow_nll" when known.
#include <optional>
#include <string>
#include <vector>

#include "FlowSpec.h"

namespace flowscope {

struct FlowWeights {
  FlowSpec spec;
  std::vector<double> parameters;
  std::optional<double> heldOutNll;
};

std::string encodeFlow(const FlowWeights& w, bool float32 = true);
// InputError naming the file and the key or tensor at fault (a missing specification, a layer of
// the wrong size, a value that is not finite).
FlowWeights decodeFlow(const std::string& bytes, const std::string& path);
FlowWeights loadFlow(const std::string& path);
void saveFlow(const FlowWeights& w, const std::string& path);  // atomic; InputError naming it

}  // namespace flowscope
