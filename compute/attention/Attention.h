#pragma once
// Attention: the straightforward double-precision reference of every variant (the oracle the GPU
// kernels and the fast CPU paths are tested against), the O(n) linear-attention forms, the
// streaming online-softmax CPU twin of the GPU kernel, and the lessons' quantities.
//
// Conventions (named in the panel, --help and README):
// - Q is n x d, K is m x d, V is m x dv; row i of Q is query i at position i, row j of K key j at
//   position j. Heads split d and dv into h equal contiguous slices; outputs are concatenated.
// - Softmax: out = softmax(Q K^T * scale) V per head, scale = 1/sqrt(d/h) ("sqrt", the head
//   width), 1 ("none") or any positive number.
// - Causal mask: key j is visible to query i iff j <= i (top-left aligned, torch.tril(ones(n, m))).
// - Linear: out_i = phi(q_i)^T (sum_j phi(k_j) v_j^T) / phi(q_i)^T (sum_j phi(k_j)), phi = elu+1
//   or relu, no scale; a query whose denominator is 0 (relu) gets output 0.
// - Performer (FAVOR+, positive random features, iid Gaussian w, no orthogonalisation, the same
//   draws for every head): phi(x)_r = exp(w_r . x' - |x'|^2 / 2) / sqrt(M), x' = sqrt(scale) x,
//   so E[phi(q) . phi(k)] = exp(scale q . k). Stabilised by constants that cancel in the ratio.
// - RoPE (RoFormer): within each head of width dh, dimensions (2i, 2i+1) are rotated by
//   position * theta_i, theta_i = base^(-2i/dh), base 10000 by default; applied to queries and
//   keys before the scores (before the feature map for linear and Performer kinds).
#include <cstdint>
#include <string>
#include <vector>

namespace flowscope {

class OutputFiles;

struct Matrix {
  size_t rows = 0, cols = 0;
  std::vector<double> data;

  Matrix() = default;
  Matrix(size_t r, size_t c, double fill = 0.0) : rows(r), cols(c), data(r * c, fill) {}
  double& operator()(size_t r, size_t c) { return data[r * cols + c]; }
  double operator()(size_t r, size_t c) const { return data[r * cols + c]; }
  const double* row(size_t r) const { return data.data() + r * cols; }
  double* row(size_t r) { return data.data() + r * cols; }
};

// A CSV of numbers: one header line (column names), then one row per token, all rows the same
// width of finite numbers. Errors name the file and line.
Matrix readMatrixCsv(const std::string& path);
// Header `prefix`0,`prefix`1,...; values with 9 significant digits (float precision). A value that
// is not finite is a NumericalError naming the file, line and column, and nothing is written.
void writeMatrixCsv(const std::string& path, const Matrix& m, const std::string& prefix);
// The same, staged with a command's other outputs (OutputFiles.h).
void stageMatrixCsv(OutputFiles& files, const std::string& path, const Matrix& m,
                    const std::string& prefix);
// Standard normal entries, seeded.
Matrix randomMatrix(size_t rows, size_t cols, uint64_t seed, double stddev = 1.0);
Matrix multiply(const Matrix& a, const Matrix& b);

enum class AttentionKind { Softmax, LinearElu, LinearRelu, Performer };
enum class ScaleMode { Sqrt, None, Value };
std::string attentionKindName(AttentionKind k);  // "softmax" | "linear-elu" | ...
AttentionKind parseAttentionKind(const std::string& name, const std::string& field);
inline bool isLinearKind(AttentionKind k) {
  return k != AttentionKind::Softmax;
}

struct AttentionOptions {
  AttentionKind kind = AttentionKind::Softmax;
  ScaleMode scale = ScaleMode::Sqrt;
  double scaleValue = 1.0;  // when scale == Value
  bool causal = false;
  int heads = 1;
  bool rope = false;
  double ropeBase = 10000.0;
  int features = 256;  // Performer's M
  uint64_t seed = 1;   // Performer's draws
};
// "sqrt" | "none" | a positive number; throws InputError naming `field`.
void parseScale(const std::string& text, AttentionOptions& o, const std::string& field);
std::string scaleText(const AttentionOptions& o);
double scaleFor(const AttentionOptions& o, size_t headDim);

// Checks the shapes and options: K's width equals Q's, V has K's rows, heads divide d and dv,
// RoPE needs an even head width, Performer features in [1, 4096]. Throws InputError naming the
// matrices `qName`, `kName`, `vName` and their shapes ("Q.csv (8 x 4)").
void checkAttention(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionOptions& o,
                    const std::string& qName = "Q", const std::string& kName = "K",
                    const std::string& vName = "V");

// RoPE: rotates row r of x (position r) in place, head by head.
void applyRope(Matrix& x, int heads, double base);
// One vector of width dh at position pos.
std::vector<double> ropeRotated(const std::vector<double>& x, double pos, double base);

// Performer's w_r as the rows of an M x dh matrix: Pcg32(seed, 9) normals, row-major.
Matrix performerProjection(int features, size_t headDim, uint64_t seed);
// The unstabilised estimator's features of one head slice x (width dh), already scaled by
// sqrt(scale): exp(w_r . x - |x|^2/2) / sqrt(M).
std::vector<double> performerFeatures(const Matrix& w, const double* x);
// Feature maps of all rows, head by head (width heads * F): elu+1 / relu (F = dh) or Performer
// (F = M), including RoPE when on. `queries`: the per-row stabiliser (queries) or the global
// one max_r |w_r|^2 / 2 (keys) for Performer; ratios do not depend on either.
Matrix featureMap(const Matrix& x, const AttentionOptions& o, bool queries);

struct AttentionResult {
  Matrix out;      // n x dv
  Matrix weights;  // when asked: (h * n) x m, row h * n + i = head h, query i
};
// The reference: every score and weight explicitly, in double, O(n m d).
AttentionResult attentionReference(const Matrix& q, const Matrix& k, const Matrix& v,
                                   const AttentionOptions& o, bool weights = false);
// Linear kinds in O((n + m) F dv): the sums sum_j phi(k_j) v_j^T once (or as running prefix sums
// when causal), then one product per query. Double.
Matrix linearAttentionPrefix(const Matrix& q, const Matrix& k, const Matrix& v,
                             const AttentionOptions& o);
// The streaming online softmax of the GPU kernel, in float, tile by tile (kStreamTile keys),
// running max and sum per query, no n x m matrix: its CPU twin and the CPU backend's softmax.
inline constexpr size_t kStreamTile = 32;
Matrix attentionStreamingCpu(const Matrix& q, const Matrix& k, const Matrix& v,
                             const AttentionOptions& o);
// The CPU backend: the fast float32 path for softmax (FastAttention.h), the prefix form (double)
// for the linear kinds.
Matrix attentionCpu(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionOptions& o);

// Shannon entropy (nats) of each weight row.
std::vector<double> rowEntropies(const Matrix& weights);

// The sqrt(d) lesson: for each d, queries and keys with iid N(0, 1) entries (seeded), the sample
// variance of the logits q . k (about d) and of q . k / sqrt(d) (about 1), and the mean softmax
// entropy over `keys` keys with and without the scaling (log(keys) is uniform attention).
struct SqrtDPoint {
  int d = 0;
  double varUnscaled = 0.0, varScaled = 0.0, entropyUnscaled = 0.0, entropyScaled = 0.0;
};
std::vector<SqrtDPoint> sqrtDLesson(const std::vector<int>& dims, int keys, int queries,
                                    uint64_t seed);

// The RoPE lesson: score(delta) = rope(q, delta) . rope(k, 0) for delta = 0..maxDistance, and
// the largest |rope(q, p + s) . rope(k, p' + s) - rope(q, p) . rope(k, p')| over the shifts s
// and position pairs tried (0 up to rounding: the score depends on p - p' only).
std::vector<double> ropeScoreCurve(const std::vector<double>& q, const std::vector<double>& k,
                                   double base, int maxDistance);
double ropeShiftError(const std::vector<double>& q, const std::vector<double>& k, double base);

// The diffusion link: data points are keys and values, the noisy point x the query, scores
// -|x - y_j|^2 * temperature with temperature = 1/(2 sigma^2); the output is the ideal denoiser
// E[y | x] of the data under x = y + sigma n. Equivalently dot-product attention with q = x,
// k_j = y_j, scale 1/sigma^2 and key bias -|y_j|^2 / (2 sigma^2).
struct DenoiserAttention {
  std::vector<double> weights;
  double outX = 0.0, outY = 0.0;
  double entropy = 0.0;
};
DenoiserAttention denoiserAttention(const std::vector<double>& xs, const std::vector<double>& ys,
                                    double qx, double qy, double sigma);

}  // namespace flowscope
