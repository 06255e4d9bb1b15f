#include "FlowFile.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include "InputError.h"
#include "InputFile.h"
#include "OutputFiles.h"
#include "Safetensors.h"

namespace flowscope {

std::string encodeFlow(const FlowWeights& w, bool float32) {
  const FlowLayout layout = flowLayout(w.spec);
  SafetensorsFile f;
  for (size_t i = 0; i < layout.layers.size(); ++i) {
    const FlowLayer& l = layout.layers[i];
    Tensor t;
    t.shape = {l.count};
    t.values.assign(w.parameters.begin() + long(l.offset),
                    w.parameters.begin() + long(l.offset + l.count));
    f.tensors["layers." + std::to_string(i)] = std::move(t);
  }
  f.metadata["flowscope_flow"] = flowSpecJson(w.spec).dump();
  if (w.heldOutNll) f.metadata["flowscope_flow_nll"] = std::to_string(*w.heldOutNll);
  return encodeSafetensors(f, float32);
}

FlowWeights decodeFlow(const std::string& bytes, const std::string& path) {
  const SafetensorsFile f = decodeSafetensors(bytes, path);
  const auto meta = f.metadata.find("flowscope_flow");
  if (meta == f.metadata.end())
    throw InputError(path + ": no metadata flowscope_flow (not a flow written by flow-train)");
  FlowWeights w;
  try {
    w.spec = flowSpecFromJson(nlohmann::json::parse(meta->second));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": metadata flowscope_flow: " + e.what());
  } catch (const InputError& e) {
    throw InputError(path + ": metadata flowscope_flow: " + e.what());
  }
  const FlowLayout layout = flowLayout(w.spec);
  w.parameters.resize(layout.count);
  for (size_t i = 0; i < layout.layers.size(); ++i) {
    const FlowLayer& l = layout.layers[i];
    const std::string name = "layers." + std::to_string(i);
    const auto t = f.tensors.find(name);
    if (t == f.tensors.end()) throw InputError(path + ": tensor " + name + " is missing");
    if (t->second.values.size() != l.count)
      throw InputError(path + ": tensor " + name + " has " +
                       std::to_string(t->second.values.size()) + " values, the " +
                       flowLayerName(l.type) + " needs " + std::to_string(l.count));
    for (size_t k = 0; k < l.count; ++k) {
      if (!std::isfinite(t->second.values[k]))
        throw InputError(path + ": tensor " + name + " holds a value that is not finite");
      w.parameters[l.offset + k] = t->second.values[k];
    }
  }
  if (const auto n = f.metadata.find("flowscope_flow_nll"); n != f.metadata.end()) {
    try {
      w.heldOutNll = std::stod(n->second);
    } catch (const std::exception&) {
      throw InputError(path + ": metadata flowscope_flow_nll is not a number");
    }
  }
  return w;
}

FlowWeights loadFlow(const std::string& path) {
  return decodeFlow(readInputFile(path), path);
}

void saveFlow(const FlowWeights& w, const std::string& path) {
  writeFileAtomically(path, encodeFlow(w));
}

}  // namespace flowscope
