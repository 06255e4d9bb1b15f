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
#include "KernelWorkspace.h"

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
    // Device memory the run needs (Q, K, V, prepared copies, sums, output, weights); the
    // workspace keeps buffers from earlier, larger runs.
    size_t deviceBytes = 0;
  };
  // Throws InputError for shapes or sizes the kernels cannot take (head width over 128, a
  // buffer over the device's storage-buffer range), naming the limit.
  Result run(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionOptions& o,
             bool weights = false);
  // Descriptor sets kept for later runs (KernelWorkspace).
  size_t cachedSets() const { return workspace_.cachedSets(); }

 private:
  enum Which { Prepare, Softmax, Weights, LinearKv, LinearScan, LinearOut };
  // The workspace's buffers: the rows, the output, RoPE'd rows and tables, Performer's
  // projection, feature maps, the linear kernels' chunk sums and the weights.
  enum Slot : size_t {
    kQ,
    kK,
    kV,
    kOut,
    kQRope,
    kKRope,
    kRopeQ,
    kRopeK,
    kProjection,
    kQFeatures,
    kKFeatures,
    kSums,
    kWeights
  };
  ComputeKernel& kernel(Which which, uint32_t spec0 = 0, uint32_t spec1 = 0);
  const GpuContext& ctx_;
  std::map<std::tuple<int, uint32_t, uint32_t>, std::unique_ptr<ComputeKernel>> kernels_;
  KernelWorkspace workspace_;  // after the kernels: its sets go first
};

}  // namespace flowscope
