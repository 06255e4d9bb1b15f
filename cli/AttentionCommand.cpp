// flowscope-cli attention: one attention layer over queries, keys and values from CSV files.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "Attention.h"
#include "AttentionKernel.h"
#include "CliCommon.h"
#include "CliOutput.h"
#include "FastCpu.h"
#include "Limits.h"
#include "OutputFiles.h"
#include "OutputPath.h"

namespace flowscope::cli {
namespace {

struct AttentionArgs {
  std::string q, k, v, kind = "softmax", scale = "sqrt", out, weightsOut, backend = "auto";
  bool causal = false, json = false;
  int heads = 1, features = 256;
  std::optional<double> rope;
  uint64_t seed = 1;
};

// Weight matrices above this many entries are refused (--weights-out stores h x n x m numbers).
constexpr size_t kMaxWeightEntries = size_t(1) << 24;
// Softmax attention costs n m (d + dv) multiply-adds: at most 32,768^2 tokens at d = dv = 64
// (about 3 minutes on a CPU-only Vulkan device; the kernel is one dispatch, with no progress).
constexpr double kMaxSoftmaxWork = 1.4e11;

int runAttention(const AttentionArgs& a) {
  AttentionOptions o;
  o.kind = parseAttentionKind(a.kind, "--kind");
  parseScale(a.scale, o, "--scale");
  o.causal = a.causal;
  o.heads = a.heads;
  o.rope = a.rope.has_value();
  if (a.rope) o.ropeBase = *a.rope;
  o.features = a.features;
  o.seed = a.seed;
  checkOutputPath("--out", a.out, ".csv");
  if (!a.weightsOut.empty()) checkOutputPath("--weights-out", a.weightsOut, ".csv");
  const Matrix q = readMatrixCsv(a.q), k = readMatrixCsv(a.k), v = readMatrixCsv(a.v);
  checkAttention(q, k, v, o, a.q, a.k, a.v);
  const bool wantWeights = !a.weightsOut.empty();
  const double work = double(q.rows) * double(k.rows) * double(q.cols + v.cols);
  if ((o.kind == AttentionKind::Softmax || wantWeights) && work > kMaxSoftmaxWork)
    throw InputError("--q, --k: n x m x (d + dv) = " + formatNumber(work) +
                     " multiply-adds is above the budget of " + formatNumber(kMaxSoftmaxWork) +
                     "; the linear kinds cost O(n + m)");
  if (wantWeights && q.rows * k.rows * size_t(o.heads) > kMaxWeightEntries)
    throw InputError("--weights-out: h x n x m = " +
                     std::to_string(q.rows * k.rows * size_t(o.heads)) + " entries is above " +
                     std::to_string(kMaxWeightEntries) + "; drop --weights-out for long sequences");

  KernelBackend backend = openKernelBackend(a.backend);
  Matrix out, weights;
  double ms = 0.0;
  std::string compute;
  if (backend.gpu) {
    compute = "Vulkan (" + backend.gpu->info().name + "), float32";
    GpuAttention gpu(*backend.gpu);
    // Untimed warm-up on one token of the same widths: drivers compile pipelines on first use.
    gpu.run(Matrix(1, q.cols, 0.0), Matrix(1, k.cols, 0.0), Matrix(1, v.cols, 0.0), o, wantWeights);
    auto r = gpu.run(q, k, v, o, wantWeights);
    out = std::move(r.out), weights = std::move(r.weights), ms = r.computeMs;
  } else {
    const bool reference = backend.kind == KernelBackend::Kind::Reference;
    compute = reference                          ? "CPU reference, double"
              : o.kind == AttentionKind::Softmax ? fastCpuName()
                                                 : "CPU, double (the O(n) prefix form)";
    const auto start = std::chrono::steady_clock::now();
    if (reference) {
      AttentionResult r = attentionReference(q, k, v, o, wantWeights);
      out = std::move(r.out), weights = std::move(r.weights);
    } else {
      out = attentionCpu(q, k, v, o);
    }
    ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (wantWeights && !reference) weights = attentionReference(q, k, v, o, true).weights;
  }
  requireFinite(std::span(out.data), "attention: the output (" + a.kind + ")",
                a.kind == "performer" ? ": the random features underflowed; use smaller inputs "
                                        "or --scale"
                                      : "");
  OutputFiles files;
  stageMatrixCsv(files, a.out, out, "o");
  if (wantWeights) stageMatrixCsv(files, a.weightsOut, weights, "k");
  const nlohmann::json j{{"n", q.rows},
                         {"m", k.rows},
                         {"d", q.cols},
                         {"dv", v.cols},
                         {"kind", a.kind},
                         {"time_ms", ms},
                         {"backend", backend.name()},
                         {"compute", compute}};
  const std::string text = format(
      "%s attention (scale %s%s, %d head%s%s): n = %zu, m = %zu, d = %zu, dv = %zu, %.2f ms on %s "
      "(%s)",
      a.kind.c_str(), scaleText(o).c_str(), o.causal ? ", causal" : "", o.heads,
      o.heads == 1 ? "" : "s", o.rope ? ", RoPE" : "", q.rows, k.rows, q.cols, v.cols, ms,
      backend.name().c_str(), compute.c_str());
  return finish(files, j, a.json, text);
}

}  // namespace

void addAttentionCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<AttentionArgs>();
  auto* cmd = app.add_subcommand(
      "attention",
      "One attention layer. Q (n x d), K (m x d), V (m x dv): CSV files with a header line and "
      "one token per row; row i is position i.\n"
      "softmax: softmax(Q K^T * scale) V, scale sqrt = 1/sqrt(d/h) (the head width), none = 1, "
      "or a number. linear-elu / linear-relu: phi(q)^T sum phi(k) v^T / phi(q)^T sum phi(k), no "
      "scale, O(n). performer: positive random features phi(x) = exp(w.x' - |x'|^2/2)/sqrt(M), "
      "x' = sqrt(scale) x, iid Gaussian w (seeded, same for every head), unbiased for exp(scale "
      "q.k). --causal: key j visible to query i iff j <= i. --heads: d and dv split into h "
      "contiguous slices, outputs concatenated. --rope BASE: RoFormer pairs (2i, 2i+1) of each "
      "head rotated by position * BASE^(-2i/(d/h)), applied to Q and K before the scores (before "
      "the feature map for linear kinds). The GPU runs in float32 (softmax: the streaming "
      "online-softmax kernel, no n x m matrix); the CPU backend: softmax by the fast float32 path "
      "(FlashAttention's tiling: 128-query blocks, 512-key tiles, OpenBLAS sgemm, vectorised "
      "exp, every core; memory linear in n), the linear kinds by their prefix form in double; "
      "reference: every score in double. time_ms: the computation only (GPU: the kernels, submit "
      "to "
      "completion, after an untimed warm-up on one token; uploads, downloads and file I/O "
      "excluded).");
  addPathOption(*cmd, "--q", a->q, "Queries CSV (n x d; entries |v| <= 1e4)")->required();
  addPathOption(*cmd, "--k", a->k, "Keys CSV (m x d; entries |v| <= 1e4)")->required();
  addPathOption(*cmd, "--v", a->v, "Values CSV (m x dv; entries |v| <= 1e4)")->required();
  cmd->add_option("--kind", a->kind, "softmax | linear-elu | linear-relu | performer")
      ->capture_default_str();
  cmd->add_option("--scale", a->scale, "sqrt | none | a number in (0, 1e4]")->capture_default_str();
  cmd->add_flag("--causal", a->causal, "Mask keys after the query's position");
  cmd->add_option("--heads", a->heads, "Heads (must divide d and dv)")->capture_default_str();
  cmd->add_option("--rope", a->rope, "Apply RoPE with this base, in (1, 1e12] (RoFormer: 10000)");
  cmd->add_option("--features", a->features, "performer: random features M (1..4096)")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "performer: seed of the random features")
      ->capture_default_str();
  addPathOption(*cmd, "--out", a->out, "Output CSV: header o0..o(dv-1), one row per query")
      ->required();
  addPathOption(*cmd, "--weights-out", a->weightsOut,
                "Attention matrix CSV: header k0..k(m-1), row h*n + i = head h, query i");
  addKernelBackendOption(*cmd, a->backend,
                         "softmax on the fast float32 CPU path, linear kinds by prefix sums");
  cmd->add_flag(
      "--json", a->json,
      "Print {\"n\", \"m\", \"d\", \"dv\", \"kind\", \"time_ms\", \"backend\", \"compute\"}");
  cmd->callback([&run, a] { run = [a] { return runAttention(*a); }; });
}

}  // namespace flowscope::cli
