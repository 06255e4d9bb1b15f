#pragma once
// Softmax attention on the fast CPU backend (FastCpu.h): FlashAttention's tiling on the CPU. The
// queries are cut into blocks of kFlashQueryRows, taken by the threads from a shared counter; each
// block streams the keys kFlashKeyCols at a time: scores S = (scale Q_b) K_t^T by sgemm, a running
// row maximum and sum (online softmax: earlier sums and outputs rescaled by exp(m_old - m_new)),
// P = exp(S - m) by Eigen's vectorised exp, O_b += P V_t by sgemm, and O_b / l at the end. No
// n x m matrix is formed: the working memory is one S tile a thread, so memory is linear in n.
// Float32 throughout; the double reference (attentionReference) is its oracle.
#include <cstddef>

#include "Attention.h"

namespace flowscope {

inline constexpr size_t kFlashQueryRows = 128, kFlashKeyCols = 512;

// One head, row-major float32: q is n x d, k m x d, v m x dv, out n x dv. Causal: key j is visible
// to query i iff j <= i (every query sees key 0).
struct FlashShape {
  size_t n = 0, m = 0, d = 0, dv = 0;
  float scale = 1.0f;
  bool causal = false;
};
void flashAttention(const float* q, const float* k, const float* v, float* out,
                    const FlashShape& shape);

// The fast CPU backend for softmax attention of any options (heads, RoPE, scale, causal): RoPE
// applied in double as the reference does, each head's slices converted to float32 and run by
// flashAttention. Bytes of working memory beyond the inputs: attentionFastCpuBytes.
Matrix attentionFastCpu(const Matrix& q, const Matrix& k, const Matrix& v,
                        const AttentionOptions& o);
size_t attentionFastCpuBytes(size_t n, size_t m, size_t d, size_t dv);

}  // namespace flowscope
