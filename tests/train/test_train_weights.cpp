// Weights as safetensors: the byte layout against the format's definition (header length, JSON,
// offsets), round trips in float64 (exact) and float32 (to float rounding), and files that are
// refused naming the file and the tensor.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include <cstring>

#include "InputError.h"
#include "MlpWeights.h"
#include "ReferenceMlp.h"
#include "Safetensors.h"

using namespace flowscope;

namespace {

MlpWeights smallWeights() {
  MlpWeights w;
  w.spec.width = 16;
  w.spec.depth = 2;
  w.spec.activation = Activation::Gelu;
  w.spec.embedding.width = 8;
  w.parameters = initialParameters(w.spec);
  return w;
}

void expectRefused(const std::string& bytes, const std::string& mention) {
  try {
    decodeMlp(bytes, "m.safetensors");
    ADD_FAILURE() << "accepted; expected an error naming " << mention;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("m.safetensors: ", 0), 0u) << what;
    EXPECT_NE(what.find(mention), std::string::npos) << what;
  }
}

}  // namespace

// The bytes as the format defines them: u64 little-endian header size, a JSON header whose
// offsets index the buffer after it, F32 values in little-endian order.
TEST(Safetensors, BytesFollowTheFormat) {
  SafetensorsFile f;
  f.tensors["a"] = {{2}, {1.5, -2.0}};
  f.tensors["b"] = {{1, 1}, {3.0}};
  f.metadata["note"] = "x";
  const std::string bytes = encodeSafetensors(f, true);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  ASSERT_EQ(bytes.size(), 8 + n + 12);
  EXPECT_EQ(n % 8, 0u);
  const nlohmann::json header = nlohmann::json::parse(bytes.substr(8, n));
  EXPECT_EQ(header["a"]["dtype"], "F32");
  EXPECT_EQ(header["a"]["data_offsets"], nlohmann::json::array({0, 8}));
  EXPECT_EQ(header["b"]["data_offsets"], nlohmann::json::array({8, 12}));
  EXPECT_EQ(header["__metadata__"]["note"], "x");
  float second;
  std::memcpy(&second, bytes.data() + 8 + n + 4, 4);
  EXPECT_EQ(second, -2.0f);
  const SafetensorsFile back = decodeSafetensors(bytes, "t.safetensors");
  EXPECT_EQ(back.tensors.at("a").values, (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(back.metadata.at("note"), "x");
}

// A network round-trips exactly in float64 and to float rounding in float32, and gives the same
// outputs after loading.
TEST(MlpWeights, RoundTripsAndComputesTheSame) {
  const MlpWeights w = smallWeights();
  const MlpWeights exact = decodeMlp(encodeMlp(w, false), "m.safetensors");
  EXPECT_EQ(exact.parameters, w.parameters);
  EXPECT_EQ(exact.spec.activation, Activation::Gelu);
  EXPECT_EQ(exact.spec.width, 16);
  const MlpWeights single = decodeMlp(encodeMlp(w, true), "m.safetensors");
  for (size_t k = 0; k < w.parameters.size(); ++k)
    EXPECT_NEAR(single.parameters[k], w.parameters[k], 1e-7);
  ReferenceMlp a(w.spec), b(exact.spec);
  const std::vector<double> x{0.3, -1.2}, c{0.4};
  EXPECT_EQ(a.forward(w.parameters, x, c), b.forward(exact.parameters, x, c));
}

// Refused, naming the file and what is wrong: truncation, a bad header, no specification, a
// missing tensor, a wrong shape, non-finite embedding frequencies, an unsupported dtype.
// Frequencies drawn elsewhere (a PyTorch model's own) are kept and written back as they were.
TEST(MlpWeights, ForeignEmbeddingFrequenciesAreKept) {
  const MlpWeights w = smallWeights();
  SafetensorsFile f = decodeSafetensors(encodeMlp(w, false), "m.safetensors");
  f.tensors["embedding.frequencies"].values[0] += 1.0;
  const MlpWeights foreign = decodeMlp(encodeSafetensors(f, false), "m.safetensors");
  ASSERT_EQ(foreign.frequencies.size(), f.tensors["embedding.frequencies"].values.size());
  EXPECT_EQ(foreign.frequencies, f.tensors["embedding.frequencies"].values);
  EXPECT_EQ(decodeMlp(encodeMlp(foreign, false), "m.safetensors").frequencies, foreign.frequencies);
  EXPECT_TRUE(decodeMlp(encodeMlp(w, false), "m.safetensors").frequencies.empty());
}

TEST(MlpWeights, BadFilesAreRefusedNamingTheTensor) {
  const MlpWeights w = smallWeights();
  const std::string good = encodeMlp(w, true);
  expectRefused(good.substr(0, 5), "shorter than");
  expectRefused(good.substr(0, 20), "exceeds the file");
  SafetensorsFile f = decodeSafetensors(good, "m.safetensors");
  SafetensorsFile noSpec = f;
  noSpec.metadata.clear();
  expectRefused(encodeSafetensors(noSpec, true), "flowscope_mlp");
  SafetensorsFile missing = f;
  missing.tensors.erase("layers.1.bias");
  expectRefused(encodeSafetensors(missing, true), "layers.1.bias");
  SafetensorsFile shape = f;
  shape.tensors["layers.2.weight"].shape = {4, 8};
  expectRefused(encodeSafetensors(shape, true), "layers.2.weight");
  SafetensorsFile freq = f;
  freq.tensors["embedding.frequencies"].values[0] = std::nan("");
  expectRefused(encodeSafetensors(freq, true), "embedding.frequencies");
  std::string f16 = good;
  const size_t at = f16.find("\"F32\"");
  f16.replace(at, 5, "\"F16\"");
  expectRefused(f16, "F16");
  SafetensorsFile badSpec = f;
  badSpec.metadata["flowscope_mlp"] = "{\"width\": 3}";
  expectRefused(encodeSafetensors(badSpec, true), "flowscope_mlp");
}
