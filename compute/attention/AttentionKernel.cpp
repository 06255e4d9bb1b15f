#include "AttentionKernel.h"

#include <chrono>
#include <cmath>

#include "InputError.h"
#include "ShaderLayout.h"

namespace flowscope {
namespace {
const uint32_t kPrepareSpv[] =
#include "attention_prepare.comp.spv.inc"
    ;
const uint32_t kSoftmaxSpv[] =
#include "attention_softmax.comp.spv.inc"
    ;
const uint32_t kWeightsSpv[] =
#include "attention_weights.comp.spv.inc"
    ;
const uint32_t kLinearKvSpv[] =
#include "attention_linear_kv.comp.spv.inc"
    ;
const uint32_t kLinearScanSpv[] =
#include "attention_linear_scan.comp.spv.inc"
    ;
const uint32_t kLinearOutSpv[] =
#include "attention_linear_out.comp.spv.inc"
    ;
constexpr uint32_t kLocal = 64;
constexpr uint32_t kChunk = 64;  // = CHUNK in attention_linear_*.comp

struct PreparePush {
  uint32_t rows, d, heads, mode, features;
  float rootScale, keyShift;
  uint32_t perRowShift;
};
FLOWSCOPE_SHADER_SIZE(PreparePush, 32);  // = attention_prepare.comp
FLOWSCOPE_SHADER_OFFSET(PreparePush, rows, 0);
FLOWSCOPE_SHADER_OFFSET(PreparePush, d, 4);
FLOWSCOPE_SHADER_OFFSET(PreparePush, heads, 8);
FLOWSCOPE_SHADER_OFFSET(PreparePush, mode, 12);
FLOWSCOPE_SHADER_OFFSET(PreparePush, features, 16);
FLOWSCOPE_SHADER_OFFSET(PreparePush, rootScale, 20);
FLOWSCOPE_SHADER_OFFSET(PreparePush, keyShift, 24);
FLOWSCOPE_SHADER_OFFSET(PreparePush, perRowShift, 28);
struct SoftmaxPush {
  uint32_t n, m, d, dv, heads, causal;
  float scaleLog2e;
};
FLOWSCOPE_SHADER_SIZE(SoftmaxPush, 28);  // = attention_softmax.comp
FLOWSCOPE_SHADER_OFFSET(SoftmaxPush, n, 0);
FLOWSCOPE_SHADER_OFFSET(SoftmaxPush, m, 4);
FLOWSCOPE_SHADER_OFFSET(SoftmaxPush, d, 8);
FLOWSCOPE_SHADER_OFFSET(SoftmaxPush, dv, 12);
FLOWSCOPE_SHADER_OFFSET(SoftmaxPush, heads, 16);
FLOWSCOPE_SHADER_OFFSET(SoftmaxPush, causal, 20);
FLOWSCOPE_SHADER_OFFSET(SoftmaxPush, scaleLog2e, 24);
struct WeightsPush {
  uint32_t n, m, width, heads, mode, causal;
  float scaleLog2e;
};
FLOWSCOPE_SHADER_SIZE(WeightsPush, 28);  // = attention_weights.comp
FLOWSCOPE_SHADER_OFFSET(WeightsPush, n, 0);
FLOWSCOPE_SHADER_OFFSET(WeightsPush, m, 4);
FLOWSCOPE_SHADER_OFFSET(WeightsPush, width, 8);
FLOWSCOPE_SHADER_OFFSET(WeightsPush, heads, 12);
FLOWSCOPE_SHADER_OFFSET(WeightsPush, mode, 16);
FLOWSCOPE_SHADER_OFFSET(WeightsPush, causal, 20);
FLOWSCOPE_SHADER_OFFSET(WeightsPush, scaleLog2e, 24);
struct KvPush {
  uint32_t m, dv, heads, features, chunks;
};
FLOWSCOPE_SHADER_SIZE(KvPush, 20);  // = attention_linear_kv.comp
FLOWSCOPE_SHADER_OFFSET(KvPush, m, 0);
FLOWSCOPE_SHADER_OFFSET(KvPush, dv, 4);
FLOWSCOPE_SHADER_OFFSET(KvPush, heads, 8);
FLOWSCOPE_SHADER_OFFSET(KvPush, features, 12);
FLOWSCOPE_SHADER_OFFSET(KvPush, chunks, 16);
struct ScanPush {
  uint32_t entries, chunks;
};
FLOWSCOPE_SHADER_SIZE(ScanPush, 8);  // = attention_linear_scan.comp
FLOWSCOPE_SHADER_OFFSET(ScanPush, entries, 0);
FLOWSCOPE_SHADER_OFFSET(ScanPush, chunks, 4);
struct OutPush {
  uint32_t n, m, dv, heads, features, chunks, causal;
};
FLOWSCOPE_SHADER_SIZE(OutPush, 28);  // = attention_linear_out.comp
FLOWSCOPE_SHADER_OFFSET(OutPush, n, 0);
FLOWSCOPE_SHADER_OFFSET(OutPush, m, 4);
FLOWSCOPE_SHADER_OFFSET(OutPush, dv, 8);
FLOWSCOPE_SHADER_OFFSET(OutPush, heads, 12);
FLOWSCOPE_SHADER_OFFSET(OutPush, features, 16);
FLOWSCOPE_SHADER_OFFSET(OutPush, chunks, 20);
FLOWSCOPE_SHADER_OFFSET(OutPush, causal, 24);

std::vector<float> toFloat(const std::vector<double>& v) {
  return {v.begin(), v.end()};
}

}  // namespace

GpuAttention::GpuAttention(const GpuContext& ctx) : ctx_(ctx), workspace_(ctx) {}
GpuAttention::~GpuAttention() = default;

ComputeKernel& GpuAttention::kernel(Which which, uint32_t spec0, uint32_t spec1) {
  auto& slot = kernels_[{int(which), spec0, spec1}];
  if (slot) return *slot;
  const uint32_t spec[] = {spec0, spec1};
  switch (which) {
    case Prepare:
      // Its sets: RoPE for Q and K, and features for Q and K from plain or RoPE'd rows with
      // their own or Performer's table: 10 combinations kept by the workspace.
      slot = std::make_unique<ComputeKernel>(ctx_, kPrepareSpv, 3, sizeof(PreparePush), 16);
      break;
    case Softmax:
      slot = std::make_unique<ComputeKernel>(ctx_, kSoftmaxSpv, 4, sizeof(SoftmaxPush), 4,
                                             std::span<const uint32_t>(spec, 2));
      break;
    case Weights:
      slot = std::make_unique<ComputeKernel>(ctx_, kWeightsSpv, 3, sizeof(WeightsPush), 4);
      break;
    case LinearKv:
      slot = std::make_unique<ComputeKernel>(ctx_, kLinearKvSpv, 3, sizeof(KvPush), 4,
                                             std::span<const uint32_t>(spec, 1));
      break;
    case LinearScan:
      slot = std::make_unique<ComputeKernel>(ctx_, kLinearScanSpv, 1, sizeof(ScanPush), 4);
      break;
    case LinearOut:
      slot = std::make_unique<ComputeKernel>(ctx_, kLinearOutSpv, 5, sizeof(OutPush), 4,
                                             std::span<const uint32_t>(spec, 1));
      break;
  }
  return *slot;
}

GpuAttention::Result GpuAttention::run(const Matrix& q, const Matrix& k, const Matrix& v,
                                       const AttentionOptions& o, bool wantWeights) {
  checkAttention(q, k, v, o);
  const uint32_t n = uint32_t(q.rows), m = uint32_t(k.rows), d = uint32_t(q.cols),
                 dv = uint32_t(v.cols), heads = uint32_t(o.heads), dh = d / heads, dvh = dv / heads;
  const bool linear = isLinearKind(o.kind);
  const uint32_t features = o.kind == AttentionKind::Performer ? uint32_t(o.features) : dh;
  if ((!linear && dh > kMaxHeadWidth) || dvh > kMaxHeadWidth)
    throw InputError("--backend gpu: head widths up to " + std::to_string(kMaxHeadWidth) +
                     " (d/h = " + std::to_string(dh) + ", dv/h = " + std::to_string(dvh) +
                     "): use more heads or --backend cpu");
  const uint32_t chunks = (m + kChunk - 1) / kChunk;
  const uint32_t width = linear ? features : dh;  // per head, of the prepared rows
  const VkDeviceSize range = ctx_.limits().maxStorageBufferRange;
  auto bytes = [](size_t count) {
    return VkDeviceSize(std::max<size_t>(count, 1) * sizeof(float));
  };
  const VkDeviceSize sumsBytes = bytes(size_t(chunks + 1) * heads * features * (dvh + 1));
  const VkDeviceSize weightBytes = wantWeights ? bytes(size_t(heads) * n * m) : 0;
  for (VkDeviceSize b :
       {bytes(size_t(n) * heads * width), bytes(size_t(m) * heads * width), sumsBytes, weightBytes})
    if (b > range)
      throw InputError("--backend gpu: a buffer of " + std::to_string(b >> 20) +
                       " MiB exceeds this device's storage-buffer range of " +
                       std::to_string(range >> 20) + " MiB (fewer tokens or features)");

  // Host data: the rows as float, RoPE's cos/sin per (position, pair) with angles in double,
  // Performer's projection rows.
  const std::vector<float> qf = toFloat(q.data), kf = toFloat(k.data), vf = toFloat(v.data);
  auto ropeTable = [&](uint32_t rows) {
    std::vector<float> t;
    t.reserve(size_t(rows) * dh);
    for (uint32_t r0 = 0; r0 < rows; ++r0)
      for (uint32_t i = 0; i < dh / 2; ++i) {
        const double angle = double(r0) * std::pow(o.ropeBase, -2.0 * i / double(dh));
        t.push_back(float(std::cos(angle)));
        t.push_back(float(std::sin(angle)));
      }
    return t;
  };
  const std::vector<float> ropeQ = o.rope ? ropeTable(n) : std::vector<float>{},
                           ropeK = o.rope ? ropeTable(m) : std::vector<float>{};
  std::vector<float> projection;
  float keyShift = 0.0f;
  if (o.kind == AttentionKind::Performer) {
    const Matrix w = performerProjection(o.features, dh, o.seed);
    double shift = 0.0;
    for (size_t f = 0; f < w.rows; ++f) {
      double s = 0.0;
      for (size_t c = 0; c < dh; ++c) s += w(f, c) * w(f, c);
      shift = std::max(shift, 0.5 * s);
    }
    keyShift = float(shift);
    projection = toFloat(w.data);
  }

  // Every buffer the run uses, before any set (a grown buffer drops the cached sets).
  Result r;
  auto buffer = [&](Slot slot, VkDeviceSize size) -> const GpuBuffer* {
    r.deviceBytes += size;
    return &workspace_.buffer(slot, size);
  };
  const GpuBuffer *qb = buffer(kQ, bytes(qf.size())), *kb = buffer(kK, bytes(kf.size())),
                  *vb = buffer(kV, bytes(vf.size())), *ob = buffer(kOut, bytes(size_t(n) * dv));
  const GpuBuffer *qr = nullptr, *kr = nullptr, *rq = nullptr, *rk = nullptr, *proj = nullptr,
                  *qp = nullptr, *kp = nullptr, *sums = nullptr, *wb = nullptr;
  if (o.rope) {
    rq = buffer(kRopeQ, bytes(ropeQ.size()));
    rk = buffer(kRopeK, bytes(ropeK.size()));
    qr = buffer(kQRope, bytes(qf.size()));  // the RoPE'd rows
    kr = buffer(kKRope, bytes(kf.size()));
  }
  if (!projection.empty()) proj = buffer(kProjection, bytes(projection.size()));
  if (linear) {
    qp = buffer(kQFeatures, bytes(size_t(n) * heads * features));
    kp = buffer(kKFeatures, bytes(size_t(m) * heads * features));
    sums = buffer(kSums, sumsBytes);
  }
  if (wantWeights) wb = buffer(kWeights, weightBytes);

  // One submission uploads everything the kernels read.
  std::vector<KernelWorkspace::Upload> uploads = {{qb, qf.data(), qf.size() * sizeof(float)},
                                                  {kb, kf.data(), kf.size() * sizeof(float)},
                                                  {vb, vf.data(), vf.size() * sizeof(float)}};
  if (o.rope) {
    uploads.push_back({rq, ropeQ.data(), ropeQ.size() * sizeof(float)});
    uploads.push_back({rk, ropeK.data(), ropeK.size() * sizeof(float)});
  }
  if (proj) uploads.push_back({proj, projection.data(), projection.size() * sizeof(float)});
  workspace_.upload(uploads);

  const float scaleLog2e = float(scaleFor(o, dh) * 1.4426950408889634);
  const float rootScale = float(std::sqrt(scaleFor(o, dh)));
  const uint32_t featureMode = o.kind == AttentionKind::LinearElu    ? 1u
                               : o.kind == AttentionKind::LinearRelu ? 2u
                                                                     : 3u;
  ComputeKernel& prepare = kernel(Prepare);
  // Record everything, then submit once.
  std::vector<std::function<void(VkCommandBuffer)>> steps;
  const GpuBuffer *qIn = qb, *kIn = kb;
  if (o.rope) {
    VkDescriptorSet sq = workspace_.set(prepare, {qb, qr, rq}),
                    sk = workspace_.set(prepare, {kb, kr, rk});
    const PreparePush pq{n, d, heads, 0, 0, 0.0f, 0.0f, 0}, pk{m, d, heads, 0, 0, 0.0f, 0.0f, 0};
    steps.push_back([&, sq, sk, pq, pk](VkCommandBuffer cmd) {
      prepare.dispatch(cmd, sq, &pq, n * heads, kLocal);
      prepare.dispatch(cmd, sk, &pk, m * heads, kLocal);
      computeBarrier(cmd);
    });
    qIn = qr, kIn = kr;
  }
  if (linear) {
    const GpuBuffer* table = proj ? proj : qIn;
    VkDescriptorSet sq = workspace_.set(prepare, {qIn, qp, table}),
                    sk = workspace_.set(prepare, {kIn, kp, table});
    const PreparePush pq{n, d, heads, featureMode, features, rootScale, keyShift, 1},
        pk{m, d, heads, featureMode, features, rootScale, keyShift, 0};
    steps.push_back([&, sq, sk, pq, pk](VkCommandBuffer cmd) {
      prepare.dispatch(cmd, sq, &pq, n * heads, kLocal);
      prepare.dispatch(cmd, sk, &pk, m * heads, kLocal);
      computeBarrier(cmd);
    });
    ComputeKernel &kv = kernel(LinearKv, dvh), &scan = kernel(LinearScan),
                  &out = kernel(LinearOut, dvh);
    VkDescriptorSet skv = workspace_.set(kv, {kp, vb, sums}), sscan = workspace_.set(scan, {sums}),
                    sout = workspace_.set(out, {qp, kp, vb, sums, ob});
    const KvPush pkv{m, dv, heads, features, chunks};
    const uint32_t entries = heads * features * (dvh + 1);
    const ScanPush pscan{entries, chunks};
    const OutPush pout{n, m, dv, heads, features, chunks, o.causal ? 1u : 0u};
    steps.push_back([&, skv, sscan, sout, pkv, pscan, pout, entries](VkCommandBuffer cmd) {
      kv.dispatch(cmd, skv, &pkv, chunks * heads * features, kLocal);
      computeBarrier(cmd);
      scan.dispatch(cmd, sscan, &pscan, entries, kLocal);
      computeBarrier(cmd);
      out.dispatch(cmd, sout, &pout, n * heads, kLocal);
    });
  } else {
    ComputeKernel& soft = kernel(Softmax, dh, dvh);
    VkDescriptorSet s = workspace_.set(soft, {qIn, kIn, vb, ob});
    const SoftmaxPush p{n, m, d, dv, heads, o.causal ? 1u : 0u, scaleLog2e};
    const uint32_t blocks = (n + kLocal - 1) / kLocal;
    steps.push_back([&, s, p, blocks](VkCommandBuffer cmd) {
      soft.dispatch(cmd, s, &p, blocks * heads * kLocal, kLocal);
    });
  }
  if (wantWeights) {
    ComputeKernel& wk = kernel(Weights);
    VkDescriptorSet s =
        linear ? workspace_.set(wk, {qp, kp, wb}) : workspace_.set(wk, {qIn, kIn, wb});
    const WeightsPush p{n, m, width, heads, linear ? 1u : 0u, o.causal ? 1u : 0u, scaleLog2e};
    steps.push_back([&, s, p](VkCommandBuffer cmd) { wk.dispatch(cmd, s, &p, n * heads, kLocal); });
  }
  const auto start = std::chrono::steady_clock::now();
  ctx_.submitAndWait([&](VkCommandBuffer cmd) {
    for (auto& step : steps) step(cmd);
  });
  r.computeMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  // One submission reads the results back.
  r.out = Matrix(n, dv);
  std::vector<float> out(size_t(n) * dv), a(wantWeights ? size_t(heads) * n * m : 0);
  std::vector<KernelWorkspace::Download> downloads = {{ob, out.data(), out.size() * sizeof(float)}};
  if (wantWeights) downloads.push_back({wb, a.data(), a.size() * sizeof(float)});
  workspace_.download(downloads);
  std::copy(out.begin(), out.end(), r.out.data.begin());
  if (wantWeights) {
    r.weights = Matrix(size_t(heads) * n, m);
    std::copy(a.begin(), a.end(), r.weights.data.begin());
  }
  return r;
}

}  // namespace flowscope
