#pragma once
// The safetensors format (Hugging Face, https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON {"<name>": {"dtype", "shape", "data_offsets":
// [begin, end]}, ..., "__metadata__": {string: string}}, then the tensors' little-endian bytes
// (offsets relative to the end of the header). Read and written here for F32 and F64 tensors;
// reading converts either to double. Every error names the file and, where one is at fault, the
// tensor.
#include <map>
#include <string>
#include <vector>

namespace flowscope {

struct Tensor {
  std::vector<size_t> shape;
  std::vector<double> values;  // row-major
};

struct SafetensorsFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

// The file's bytes, tensors stored as F32 (float32 = true) or F64, names in sorted order, data
// aligned to 8 bytes (the header padded with spaces, as the reference implementation does).
std::string encodeSafetensors(const SafetensorsFile& file, bool float32);
// InputError "<path>: ..." on a truncated file, a bad header, an unsupported dtype, offsets that
// leave the buffer, or a shape that disagrees with the byte count.
SafetensorsFile decodeSafetensors(const std::string& bytes, const std::string& path);
SafetensorsFile readSafetensors(const std::string& path);

}  // namespace flowscope
