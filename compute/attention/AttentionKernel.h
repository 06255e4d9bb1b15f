#pragma once
// Attention on the GPU: RoPE and feature maps (attention_prepare.comp), the streaming
// online-softmax kernel (attention_softmax.comp), linear attention in three O(n) passes (chunk
// sums, prefix scan, per-query products) and, when asked, the attention matrix
// (attention_weights.comp). Float32. CPU twins: attentionStreamingCpu, linearAttentionPrefix,
// attentionReference (Attention.h).
#include <map>
#include <memory>
#include <tuple>

#include "Attention.h"
#include "ComputeKernel.h"

namespace flowscope {

class GpuAttention {
 public:
  static constexpr size_t kMaxHeadWidth = 128;  // per-invocation registers of the kernels

  explicit GpuAttention(const GpuContext& ctx);
  ~GpuAttention();

  struct Result {
    Matrix out;      // n x dv
    Matrix weights;  // when asked: (h * n) x m
    // The recorded kernels from submit to completion; uploads and downloads excluded.
    double computeMs = 0.0;
    // Device memory of the run's buffers (Q, K, V, prepared copies, sums, output, weights).
    size_t deviceBytes = 0;
  };
  // Throws InputError for shapes or sizes the kernels cannot take (head width over 128, a
  // buffer over the device's storage-buffer range), naming the limit.
  Result run(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionOptions& o,
             bool weights = false);

 private:
  enum Which { Prepare, Softmax, Weights, LinearKv, LinearScan, LinearOut };
  ComputeKernel& kernel(Which which, uint32_t spec0 = 0, uint32_t spec1 = 0);
  const GpuContext& ctx_;
  std::map<std::tuple<int, uint32_t, uint32_t>, std::unique_ptr<ComputeKernel>> kernels_;
};

}  // namespace flowscope
