#include "Safetensors.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <numeric>

#include "InputError.h"
#include "InputFile.h"

namespace flowscope {
namespace {

size_t elements(const std::vector<size_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), size_t(1), std::multiplies<size_t>());
}

template <class T>
void append(std::string& out, const std::vector<double>& values) {
  for (double v : values) {
    const T x = T(v);
    char bytes[sizeof(T)];
    std::memcpy(bytes, &x, sizeof(T));  // little-endian hosts only (x86-64, arm64)
    out.append(bytes, sizeof(T));
  }
}

template <class T>
std::vector<double> read(const char* data, size_t count) {
  std::vector<double> out(count);
  for (size_t k = 0; k < count; ++k) {
    T x;
    std::memcpy(&x, data + k * sizeof(T), sizeof(T));
    out[k] = double(x);
  }
  return out;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError(path + ": " + what);
}

Tensor decodeTensor(const std::string& name, const nlohmann::json& entry, const char* buffer,
                    size_t bufferBytes, const std::string& path) {
  const std::string where = "tensor '" + name + "'";
  if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
      !entry.contains("data_offsets"))
    fail(path, where + ": needs dtype, shape and data_offsets");
  const std::string dtype = entry["dtype"].is_string() ? entry["dtype"].get<std::string>() : "";
  const size_t width = dtype == "F32" ? 4 : dtype == "F64" ? 8 : 0;
  if (width == 0) fail(path, where + ": dtype '" + dtype + "' (this build reads F32 and F64)");
  Tensor t;
  for (const auto& d : entry["shape"]) {
    if (!d.is_number_unsigned() || d.get<uint64_t>() > (uint64_t(1) << 32))
      fail(path, where + ": shape must list non-negative integers");
    t.shape.push_back(d.get<size_t>());
  }
  const auto& off = entry["data_offsets"];
  if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
      !off[1].is_number_unsigned())
    fail(path, where + ": data_offsets must be [begin, end]");
  const size_t begin = off[0].get<size_t>(), end = off[1].get<size_t>();
  if (begin > end || end > bufferBytes) fail(path, where + ": data_offsets leave the buffer");
  if ((end - begin) != elements(t.shape) * width)
    fail(path, where + ": shape holds " + std::to_string(elements(t.shape)) + " values but " +
                   std::to_string(end - begin) + " bytes are given");
  const size_t count = elements(t.shape);
  t.values = width == 4 ? read<float>(buffer + begin, count) : read<double>(buffer + begin, count);
  return t;
}

}  // namespace

std::string encodeSafetensors(const SafetensorsFile& file, bool float32) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [name, t] : file.tensors) {
    const size_t begin = data.size();
    float32 ? append<float>(data, t.values) : append<double>(data, t.values);
    header[name] = {{"dtype", float32 ? "F32" : "F64"},
                    {"shape", t.shape},
                    {"data_offsets", {begin, data.size()}}};
  }
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  const uint64_t n = text.size();
  std::memcpy(out.data(), &n, 8);
  return out + text + data;
}

SafetensorsFile decodeSafetensors(const std::string& bytes, const std::string& path) {
  if (bytes.size() < 8) fail(path, "not a safetensors file (shorter than its 8-byte header size)");
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  if (n > bytes.size() - 8)
    fail(path, "the header size " + std::to_string(n) + " exceeds the file");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(8, size_t(n)));
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("the header is not JSON: ") + e.what());
  }
  if (!header.is_object()) fail(path, "the header is not a JSON object");
  SafetensorsFile file;
  const char* buffer = bytes.data() + 8 + n;
  const size_t bufferBytes = bytes.size() - 8 - size_t(n);
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) fail(path, "__metadata__ values must be strings");
        file.metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    file.tensors[it.key()] = decodeTensor(it.key(), *it, buffer, bufferBytes, path);
  }
  return file;
}

SafetensorsFile readSafetensors(const std::string& path) {
  return decodeSafetensors(readInputFile(path), path);
}

}  // namespace flowscope
