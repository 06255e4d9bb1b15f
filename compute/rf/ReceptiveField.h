#pragma once
// Receptive fields of convolutional stacks: the architecture (layers, JSON files, presets), the
// theoretical receptive field of every layer by the standard recurrences, and the effective
// receptive field (the gradient of one unit with respect to the input) by back-propagating a
// unit impulse through a one-channel surrogate of the stack. CPU reference here; the GPU twin
// is GpuReceptiveField (ReceptiveFieldKernel.h); both run the same RfProgram.
//
// Conventions (named in the panel, `flowscope-cli rf --help` and the README):
//   - coordinates are 0-based pixel indices of the input, pixel i centred at i (add 0.5 for the
//     pixel-corner convention);
//   - square kernels; stride, padding and dilation apply to both axes; padding is symmetric
//     (PyTorch style; TensorFlow's SAME pads asymmetrically at stride 2, which moves `start`);
//   - a dilated kernel k spans d (k - 1) + 1 pixels; for each layer
//       size_out = size_in + (span - 1) jump_in, jump_out = jump_in stride,
//       start_out = start_in + ((span - 1) / 2 - padding) jump_in, units_out = floor((units_in
//       + 2 padding - span) / stride) + 1, with size = jump = 1 and start = 0 at the input;
//   - a parallel block sums its branches (a residual block: an empty branch is the identity);
//     its size is the largest over its paths, its jump and start those of that path; branches
//     whose first units are centred at different input coordinates are flagged as misaligned;
//   - the effective receptive field (ERF) is the mean over seeds of |d y_u / d x| for one unit
//     y_u, computed with one channel per layer; weights "uniform" (1 / k^2 every tap), "random"
//     (N(0, 1) taps, a fresh draw per seed) or "loaded" (a JSON file: {"conv1": [[row], ...]});
//     with ReLU on, a ReLU follows every convolution, except that a parallel branch's last
//     convolution is summed first and the ReLU follows the block's sum (a residual block), and
//     the gradient is taken at the chosen unit's pre-activation. One channel is a surrogate: a
//     1x1 convolution is a scalar, and a negative one after a ReLU silences its path; max pooling
//     routes the gradient to the first maximum of its window (padding counts as -inf); average
//     pooling divides by k^2 (padding counts as zeros). ReLU and max pooling need a forward pass:
//     its input is seeded N(0, 1) noise per seed, or an image.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace flowscope {

enum class RfLayerType { Conv, MaxPool, AvgPool, Parallel };
std::string rfLayerTypeName(RfLayerType t);

struct RfLayer {
  std::string name;
  RfLayerType type = RfLayerType::Conv;
  int kernel = 3, stride = 1, padding = 0, dilation = 1;
  std::vector<std::vector<RfLayer>> branches;  // parallel only; an empty branch is the identity
  int span() const { return dilation * (kernel - 1) + 1; }
};

struct Architecture {
  std::string name = "custom";
  int height = 224, width = 224;  // input, pixels
  std::vector<RfLayer> layers;
};

inline constexpr int kMaxRfInput = 4096;
inline constexpr int kMaxRfNesting = 16;    // parallel blocks inside parallel blocks
inline constexpr int kMaxRfLayers = 10000;  // rows of the table, branches included
// Multiply-adds of one ERF, all seeds (2^32): under a minute on a CPU-only Vulkan device.
inline constexpr double kMaxRfWork = 4.3e9;

// Parses and validates a document; errors (InputError) name `source` and the layer:
//   "<source>: layer 'conv3' (layers[2]): kernel must be a positive integer (got 0)".
Architecture parseArchitecture(const nlohmann::json& j, const std::string& source);
// A preset name (rfPresetNames) or a .json file.
Architecture loadArchitecture(const std::string& nameOrPath);
nlohmann::json architectureJson(const Architecture& a);
void saveArchitecture(const Architecture& a, const std::string& path);  // atomically
// Throws InputError naming the layer: sizes, names (unique, non-empty), empty outputs, branch
// outputs that disagree. `source` prefixes the message.
void validateArchitecture(const Architecture& a, const std::string& source = "architecture");

const std::vector<std::string>& rfPresetNames();
Architecture rfPreset(const std::string& name);  // InputError listing the names

// The theoretical receptive field after one layer, per axis the same except the unit counts.
struct RfState {
  int64_t size = 1, jump = 1;
  double start = 0.0;
  int unitsH = 0, unitsW = 0;
};

struct RfRow {
  std::string name;
  RfLayerType type = RfLayerType::Conv;
  int depth = 0;                   // 1-based position on its path from the input (blocks count 1)
  int level = 0;                   // 0: a top-level layer; 1, 2, ...: inside parallel blocks
  int branch = -1;                 // inside a block: its branch
  const RfLayer* layer = nullptr;  // into the Architecture the table was computed from
  RfState in, out;
  bool misaligned = false;    // a parallel block whose branches' centres differ
  double misalignment = 0.0;  // the largest difference of branch centres, pixels
};

struct RfTable {
  std::vector<RfRow> rows;  // in order; a block's row follows its branches' rows
  RfState input, output;    // output: after the last top-level layer
  const RfRow* find(const std::string& name) const;
};

// Validates (InputError) and computes every layer's receptive field.
RfTable receptiveFields(const Architecture& a);

// The input-pixel box [lo, hi] (inclusive, per axis; may extend into the padding) that unit
// (row, col) of a layer with state s sees, and its centre.
struct RfBox {
  double centerRow = 0, centerCol = 0;
  double top = 0, left = 0, bottom = 0, right = 0;
};
RfBox unitBox(const RfState& s, int row, int col);

// ---- The effective receptive field ----

enum class RfWeights { Uniform, Random, Loaded };
std::string rfWeightsName(RfWeights w);
RfWeights parseRfWeights(const std::string& name, const std::string& field);

// Loaded weights: conv layer name -> k x k taps, row-major.
using RfWeightFile = std::map<std::string, std::vector<double>>;
RfWeightFile readRfWeights(const std::string& path, const Architecture& a);

struct ErfOptions {
  std::string layer;               // a layer name (top-level or inside a block)
  int unitRow = -1, unitCol = -1;  // -1: the layer's centre unit (units / 2)
  RfWeights weights = RfWeights::Uniform;
  bool relu = false;
  int seeds = 1;  // random weights and noise inputs: averaged over seeds seed, seed + 1, ...
  uint64_t seed = 1;
  RfWeightFile loaded;       // RfWeights::Loaded; conv layers not in it use uniform weights
  std::vector<float> image;  // the forward pass's input (H x W; standardised); empty: N(0, 1) noise
};

// One operation of the one-channel surrogate on planes (plane 0 is the input).
struct RfOp {
  enum Kind { Conv = 0, MaxPool = 1, AvgPool = 2, Add = 3, Relu = 4 };  // = rf.glsl
  Kind kind = Conv;
  int in = 0, out = 0;
  int kernel = 1, stride = 1, padding = 0, dilation = 1;
  bool relu = false;        // conv: a ReLU follows (forward), masks the gradient (backward)
  bool accumulate = false;  // forward: out += result (a block's second, third... branch)
  int weightOffset = 0;     // conv: into the weight array of one seed
  std::string layer;
};
struct RfPlane {
  int height = 0, width = 0;
  size_t offset = 0;  // in the concatenation of all planes (floats)
};
struct RfProgram {
  std::vector<RfPlane> planes;
  std::vector<RfOp> ops;
  size_t planeFloats = 0;  // all planes
  int weightCount = 0;     // per seed
  int target = 0;          // the chosen layer's plane
  int unit = 0;            // the chosen unit, row-major in the target plane
  RfBox box;               // its theoretical box
  // The backward pass: the ops that reach the target, last first; accumulate: the op's input
  // plane already holds a gradient from a later op; mask: a ReLU's mask applies (not at the
  // target, whose gradient is taken at the pre-activation).
  struct BackwardStep {
    int op = 0;
    bool accumulate = false, mask = false;
  };
  std::vector<BackwardStep> backward;
  bool needsForward = false;
  std::vector<std::string> defaulted;  // loaded: layers given uniform weights
};
// The ops up to the named layer (InputError: unknown layer, unit out of range, or more than
// kMaxRfWork multiply-adds).
RfProgram compileRfProgram(const Architecture& a, const ErfOptions& o);
// Multiply-adds of a program's passes over `seeds` seeds (forward when needed, and backward).
double rfWork(const RfProgram& p, int seeds);
// One seed's weights (program.weightCount values) and forward input (H x W: the image standardised
// to zero mean and unit variance, or seeded N(0, 1) noise).
std::vector<float> rfSeedWeights(const RfProgram& p, const ErfOptions& o, int seedIndex);
std::vector<float> rfSeedInput(const Architecture& a, const ErfOptions& o, int seedIndex);

struct ErfResult {
  int height = 0, width = 0;
  std::vector<double> values;          // H x W, row-major: mean over seeds of |d y_u / d x|
  int unitRow = 0, unitCol = 0;        // the unit differentiated
  RfBox box;                           // its theoretical box
  std::vector<std::string> defaulted;  // loaded weights: conv layers given uniform weights
  double computeMs = 0.0;
};
struct ErfStats {
  double mass = 0.0;  // sum of values
  double centerRow = 0, centerCol = 0;
  double spread = 0.0;              // sqrt of the mean of the two axes' mass-weighted variances
  double area95 = 0.0;              // pixels holding 95% of the mass / theoretical box pixels
  int pixels95 = 0, boxPixels = 0;  // (box pixels inside the image)
  int supportTop = 0, supportLeft = 0, supportBottom = -1, supportRight = -1;  // values > 0
};
ErfStats erfStats(const ErfResult& r);

// The CPU twin: every seed's forward (when needed) and backward pass, in double.
ErfResult effectiveReceptiveFieldCpu(const Architecture& a, const ErfOptions& o);

// The sqrt(depth) lesson: for each top-level depth 1..L, the theoretical size and the ERF's
// spread of that layer's centre unit (same options).
struct RfGrowthPoint {
  int depth = 0;
  std::string layer;
  int64_t size = 0;
  double spread = 0.0, area95 = 0.0;
};
using ErfFunction = std::function<ErfResult(const Architecture&, const ErfOptions&)>;
using GrowthProgress = std::function<void(int done, int total)>;
// InputError when all the layers' ERFs together exceed kMaxRfWork.
std::vector<RfGrowthPoint> rfGrowth(const Architecture& a, const ErfOptions& o,
                                    const ErfFunction& erf, const GrowthProgress& progress = {});
// Least-squares fits through the origin of the growth: spread = c sqrt(depth) and size - 1 =
// c depth; each with its R^2 (how well the law describes the points).
struct GrowthFit {
  double coefficient = 0.0, r2 = 0.0;
};
GrowthFit fitSqrtDepth(const std::vector<RfGrowthPoint>& g);
GrowthFit fitLinearDepth(const std::vector<RfGrowthPoint>& g);

// Reads a PNG as gray values in [0, 1] resized (bilinear) to height x width; InputError naming
// the path when it cannot be read.
std::vector<float> readGrayImage(const std::string& path, int height, int width);
// The images that ship (assets:images/*.png).
const std::vector<std::string>& rfImageNames();

}  // namespace flowscope
