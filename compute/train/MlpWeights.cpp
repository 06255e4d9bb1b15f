#include "MlpWeights.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include "Embedding.h"
#include "InputError.h"
#include "ReferenceMlp.h"
#include "Safetensors.h"

namespace flowscope {
MlpWeights withClassFolded(const MlpWeights& w, int label) {
  if (w.spec.classes == 0) return w;
  if (label < 0 || label > w.spec.classes)
    throw InputError("class: between 0 and " + std::to_string(w.spec.classes - 1) + ", or " +
                     std::to_string(w.spec.classes) + " for no class");
  MlpWeights out = w;
  out.spec.classes = 0;
  const MlpLayout from = layoutOf(w.spec), to = layoutOf(out.spec);
  if (w.parameters.size() != from.count)
    throw InputError("weights: " + std::to_string(w.parameters.size()) +
                     " values, the network has " + std::to_string(from.count));
  out.parameters.assign(to.count, 0.0);
  const auto& f = from.layers[0];
  const auto& t = to.layers[0];
  for (int o = 0; o < f.out; ++o) {
    for (int i = 0; i < t.in; ++i)
      out.parameters[t.weights + size_t(o * t.in + i)] =
          w.parameters[f.weights + size_t(o * f.in + i)];
    out.parameters[t.bias + size_t(o)] = w.parameters[f.bias + size_t(o)] +
                                         w.parameters[f.weights + size_t(o * f.in + t.in + label)];
  }
  // Every later layer is where it was, shifted by the columns the first one lost.
  const size_t rest = from.layers[1].weights;
  std::copy(w.parameters.begin() + long(rest), w.parameters.end(),
            out.parameters.begin() + long(to.layers[1].weights));
  return out;
}

nlohmann::json mlpSpecJson(const MlpSpec& s) {
  nlohmann::json j{{"inputs", s.inputs},
                   {"outputs", s.outputs},
                   {"width", s.width},
                   {"depth", s.depth},
                   {"activation", activationName(s.activation)},
                   {"residual", s.residual},
                   {"seed", s.seed},
                   {"embedding",
                    {{"kind", embeddingName(s.embedding.kind)},
                     {"width", s.embedding.width},
                     {"scale", s.embedding.scale},
                     {"seed", s.embedding.seed}}}};
  if (s.classes > 0) j["classes"] = s.classes;  // absent: unconditional (files before it too)
  return j;
}

MlpSpec mlpSpecFromJson(const nlohmann::json& j) {
  try {
    MlpSpec s;
    s.inputs = j.at("inputs").get<int>();
    s.outputs = j.at("outputs").get<int>();
    s.width = j.at("width").get<int>();
    s.depth = j.at("depth").get<int>();
    s.activation = parseActivation(j.at("activation").get<std::string>());
    s.residual = j.at("residual").get<bool>();
    s.seed = j.at("seed").get<uint64_t>();
    const nlohmann::json& e = j.at("embedding");
    s.embedding.kind = parseEmbedding(e.at("kind").get<std::string>());
    s.embedding.width = e.at("width").get<int>();
    s.embedding.scale = e.at("scale").get<double>();
    s.embedding.seed = e.at("seed").get<uint64_t>();
    s.classes = j.value("classes", 0);
    validate(s);
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(e.what());
  }
}

nlohmann::json objectiveJson(const ObjectiveSpec& o) {
  return {{"kind", objectiveName(o.kind)},
          {"sigma_data", o.sigmaData},
          {"p_mean", o.pMean},
          {"p_std", o.pStd},
          {"schedule", scheduleName(o.schedule)},
          {"train_steps", o.trainSteps},
          {"t_sampling", timeSamplingName(o.timeSampling)},
          {"t_mean", o.tMean},
          {"t_std", o.tStd}};
}

ObjectiveSpec objectiveFromJson(const nlohmann::json& j) {
  try {
    ObjectiveSpec o;
    o.kind = parseObjective(j.at("kind").get<std::string>());
    o.sigmaData = j.at("sigma_data").get<double>();
    o.pMean = j.at("p_mean").get<double>();
    o.pStd = j.at("p_std").get<double>();
    o.schedule = parseSchedule(j.at("schedule").get<std::string>());
    o.trainSteps = j.at("train_steps").get<int>();
    o.timeSampling = parseTimeSampling(j.at("t_sampling").get<std::string>());
    o.tMean = j.at("t_mean").get<double>();
    o.tStd = j.at("t_std").get<double>();
    validate(o);
    return o;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(e.what());
  }
}

namespace {

// A metadata entry's JSON read by `read`, errors naming the file and the key.
template <class Read>
auto fromMetadata(const std::string& text, const std::string& path, const std::string& key,
                  Read read) {
  try {
    return read(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": metadata " + key + ": " + e.what());
  } catch (const InputError& e) {
    throw InputError(path + ": metadata " + key + ": " + e.what());
  }
}

std::string shapeText(const std::vector<size_t>& shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + "]";
}

const Tensor& tensor(const SafetensorsFile& f, const std::string& name,
                     const std::vector<size_t>& shape, const std::string& path) {
  const auto it = f.tensors.find(name);
  if (it == f.tensors.end()) throw InputError(path + ": no tensor '" + name + "'");
  if (it->second.shape != shape)
    throw InputError(path + ": tensor '" + name + "': shape " + shapeText(it->second.shape) +
                     ", the specification gives " + shapeText(shape));
  return it->second;
}

}  // namespace

std::string encodeMlp(const MlpWeights& w, bool float32) {
  const MlpLayout layout = layoutOf(w.spec);
  if (w.parameters.size() != layout.count)
    throw InputError("weights: " + std::to_string(w.parameters.size()) +
                     " values, the network has " + std::to_string(layout.count));
  SafetensorsFile f;
  for (size_t k = 0; k < layout.layers.size(); ++k) {
    const auto& l = layout.layers[k];
    const auto at = w.parameters.begin();
    f.tensors["layers." + std::to_string(k) + ".weight"] = {
        {size_t(l.out), size_t(l.in)},
        std::vector<double>(at + long(l.weights), at + long(l.bias))};
    f.tensors["layers." + std::to_string(k) + ".bias"] = {
        {size_t(l.out)}, std::vector<double>(at + long(l.bias), at + long(l.bias) + l.out)};
  }
  if (w.spec.embeddingWidth() > 0) {
    const Embedding e(w.spec.embedding);
    f.tensors["embedding.frequencies"] = {{e.frequencies().size()},
                                          w.frequencies.empty() ? e.frequencies() : w.frequencies};
  }
  f.metadata["flowscope_mlp"] = mlpSpecJson(w.spec).dump();
  if (w.objective) f.metadata["flowscope_objective"] = objectiveJson(*w.objective).dump();
  return encodeSafetensors(f, float32);
}

MlpWeights decodeMlp(const std::string& bytes, const std::string& path) {
  const SafetensorsFile f = decodeSafetensors(bytes, path);
  const auto meta = f.metadata.find("flowscope_mlp");
  if (meta == f.metadata.end())
    throw InputError(path + ": no metadata flowscope_mlp (the network's specification)");
  MlpWeights w;
  w.spec = fromMetadata(meta->second, path, "flowscope_mlp", mlpSpecFromJson);
  if (const auto o = f.metadata.find("flowscope_objective"); o != f.metadata.end())
    w.objective = fromMetadata(o->second, path, "flowscope_objective", objectiveFromJson);
  const MlpLayout layout = layoutOf(w.spec);
  w.parameters.resize(layout.count);
  for (size_t k = 0; k < layout.layers.size(); ++k) {
    const auto& l = layout.layers[k];
    const std::string name = "layers." + std::to_string(k);
    const Tensor& weight = tensor(f, name + ".weight", {size_t(l.out), size_t(l.in)}, path);
    const Tensor& bias = tensor(f, name + ".bias", {size_t(l.out)}, path);
    std::copy(weight.values.begin(), weight.values.end(), w.parameters.begin() + long(l.weights));
    std::copy(bias.values.begin(), bias.values.end(), w.parameters.begin() + long(l.bias));
  }
  if (w.spec.embeddingWidth() > 0) {
    const Embedding e(w.spec.embedding);
    const Tensor& freq = tensor(f, "embedding.frequencies", {e.frequencies().size()}, path);
    for (size_t k = 0; k < freq.values.size(); ++k)
      if (!(std::abs(freq.values[k] - e.frequencies()[k]) <=
            1e-5 * (1.0 + std::abs(e.frequencies()[k]))))
        w.frequencies = freq.values;  // drawn elsewhere: the file's own
    for (double v : w.frequencies)
      if (!std::isfinite(v))
        throw InputError(path + ": tensor 'embedding.frequencies': not finite");
  }
  for (double v : w.parameters)
    if (!std::isfinite(v)) throw InputError(path + ": a weight is not finite");
  return w;
}

}  // namespace flowscope
