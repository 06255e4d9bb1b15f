#include "FastAttention.h"

#include <cblas.h>

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <mutex>
#include <vector>

#include "FastCpu.h"

namespace flowscope {
namespace {

using RowArray = Eigen::Map<Eigen::ArrayXf>;

// One thread's working memory: a block of scaled queries, one score tile and the running row
// maximum and sum.
struct Tile {
  std::vector<float> q, s, rowMax, rowSum;
  Tile(size_t d) : q(kFlashQueryRows * d), s(kFlashQueryRows * kFlashKeyCols) {
    rowMax.resize(kFlashQueryRows);
    rowSum.resize(kFlashQueryRows);
  }
};

void oneBlasThread() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

// Online softmax of one score row over its `visible` leading columns (the rest are masked and set
// to 0): the row becomes exp(s - m_new), and the row's output and sum are rescaled.
void softmaxRow(float* s, size_t cols, size_t visible, float& rowMax, float& rowSum, float* out,
                size_t dv) {
  RowArray row(s, Eigen::Index(cols));
  if (visible < cols) row.tail(Eigen::Index(cols - visible)).setZero();
  if (visible == 0) return;
  auto seen = row.head(Eigen::Index(visible));
  const float newMax = std::max(rowMax, seen.maxCoeff());
  seen = (seen - newMax).exp();
  const float corr = std::exp(rowMax - newMax);  // 0 on the first tile (rowMax = -inf)
  rowSum = rowSum * corr + seen.sum();
  rowMax = newMax;
  if (corr != 1.0f) RowArray(out, Eigen::Index(dv)) *= corr;
}

void queryBlock(const float* q, const float* k, const float* v, float* out, const FlashShape& sh,
                size_t i0, Tile& t) {
  const size_t rows = std::min(kFlashQueryRows, sh.n - i0), d = sh.d, dv = sh.dv;
  RowArray(t.q.data(), Eigen::Index(rows * d)) =
      RowArray(const_cast<float*>(q + i0 * d), Eigen::Index(rows * d)) * sh.scale;
  float* o = out + i0 * dv;
  std::fill(o, o + rows * dv, 0.0f);
  std::fill(t.rowMax.begin(), t.rowMax.end(), -std::numeric_limits<float>::infinity());
  std::fill(t.rowSum.begin(), t.rowSum.end(), 0.0f);
  const size_t keyEnd = sh.causal ? std::min(sh.m, i0 + rows) : sh.m;
  for (size_t j0 = 0; j0 < keyEnd; j0 += kFlashKeyCols) {
    const size_t cols = std::min(kFlashKeyCols, keyEnd - j0);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(rows), int(cols), int(d), 1.0f,
                t.q.data(), int(d), k + j0 * d, int(d), 0.0f, t.s.data(), int(cols));
    for (size_t r = 0; r < rows; ++r) {
      const size_t i = i0 + r;
      const size_t visible = !sh.causal ? cols : i + 1 <= j0 ? 0 : std::min(cols, i + 1 - j0);
      softmaxRow(&t.s[r * cols], cols, visible, t.rowMax[r], t.rowSum[r], o + r * dv, dv);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rows), int(dv), int(cols), 1.0f,
                t.s.data(), int(cols), v + j0 * dv, int(dv), 1.0f, o, int(dv));
  }
  for (size_t r = 0; r < rows; ++r) RowArray(o + r * dv, Eigen::Index(dv)) /= t.rowSum[r];
}

// Columns [c0, c0 + width) of a rows x cols double matrix as a row-major float block.
std::vector<float> floatSlice(const Matrix& x, size_t c0, size_t width) {
  std::vector<float> out(x.rows * width);
  for (size_t r = 0; r < x.rows; ++r)
    for (size_t c = 0; c < width; ++c) out[r * width + c] = float(x(r, c0 + c));
  return out;
}

}  // namespace

void flashAttention(const float* q, const float* k, const float* v, float* out,
                    const FlashShape& sh) {
  if (sh.n == 0 || sh.dv == 0) return;
  oneBlasThread();
  std::vector<Tile> tiles(fastCpuThreads(), Tile(sh.d));
  const size_t blocks = (sh.n + kFlashQueryRows - 1) / kFlashQueryRows;
  // Causal blocks grow with their index: the costliest first, so the threads finish together.
  overItems(blocks, [&](size_t thread, size_t item) {
    const size_t block = sh.causal ? blocks - 1 - item : item;
    queryBlock(q, k, v, out, sh, block * kFlashQueryRows, tiles[thread]);
  });
}

size_t attentionFastCpuBytes(size_t n, size_t m, size_t d, size_t dv) {
  const size_t tile = kFlashQueryRows * (d + kFlashKeyCols + 2);
  return sizeof(float) * (n * d + m * d + m * dv + n * dv + fastCpuThreads() * tile);
}

Matrix attentionFastCpu(const Matrix& q, const Matrix& k, const Matrix& v,
                        const AttentionOptions& o) {
  checkAttention(q, k, v, o);
  const size_t heads = size_t(o.heads), dh = q.cols / heads, dvh = v.cols / heads;
  Matrix qr = q, kr = k;
  if (o.rope) {
    applyRope(qr, o.heads, o.ropeBase);
    applyRope(kr, o.heads, o.ropeBase);
  }
  FlashShape sh{q.rows, k.rows, dh, dvh, float(scaleFor(o, dh)), o.causal};
  Matrix out(q.rows, v.cols);
  std::vector<float> head(q.rows * dvh);
  for (size_t h = 0; h < heads; ++h) {
    const auto qf = floatSlice(qr, h * dh, dh), kf = floatSlice(kr, h * dh, dh),
               vf = floatSlice(v, h * dvh, dvh);
    flashAttention(qf.data(), kf.data(), vf.data(), head.data(), sh);
    for (size_t i = 0; i < q.rows; ++i)
      for (size_t c = 0; c < dvh; ++c) out(i, h * dvh + c) = head[i * dvh + c];
  }
  return out;
}

}  // namespace flowscope
