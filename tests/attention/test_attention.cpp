// Attention: the double reference against closed forms and independent loops, the O(n) and
// streaming forms against the reference, and every GPU kernel against its CPU twin.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "Attention.h"
#include "AttentionKernel.h"
#include "AttentionLab.h"
#include "FastAttention.h"
#include "GpuFixture.h"
#include "InputError.h"
#include "Rng.h"

namespace flowscope {
namespace {

double maxAbsDiff(const Matrix& a, const Matrix& b) {
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.cols, b.cols);
  double worst = 0.0;
  for (size_t i = 0; i < std::min(a.data.size(), b.data.size()); ++i)
    worst = std::max(worst, std::abs(a.data[i] - b.data[i]));
  return worst;
}

Matrix slice(const Matrix& x, size_t col0, size_t cols) {
  Matrix s(x.rows, cols);
  for (size_t r = 0; r < x.rows; ++r)
    for (size_t c = 0; c < cols; ++c) s(r, c) = x(r, col0 + c);
  return s;
}

AttentionOptions kindOf(AttentionKind k) {
  AttentionOptions o;
  o.kind = k;
  return o;
}

TEST(Attention, SoftmaxMatchesAHandComputedExample) {
  // Two keys at scores 0 and s: weights 1/(1+e^s), e^s/(1+e^s).
  Matrix q(1, 4), k(2, 4), v(2, 2);
  q(0, 0) = 1.0, q(0, 1) = 2.0;
  k(1, 0) = 0.5, k(1, 1) = 1.5;  // q . k1 = 3.5, q . k0 = 0
  v(0, 0) = 1.0, v(1, 1) = 1.0;
  for (auto [mode, scale] : {std::pair{"sqrt", 0.5}, {"none", 1.0}, {"0.25", 0.25}}) {
    AttentionOptions o;
    parseScale(mode, o, "scale");
    const double s = 3.5 * scale, w1 = std::exp(s) / (1.0 + std::exp(s));
    const auto r = attentionReference(q, k, v, o, true);
    EXPECT_NEAR(r.out(0, 0), 1.0 - w1, 1e-15) << mode;
    EXPECT_NEAR(r.out(0, 1), w1, 1e-15) << mode;
    EXPECT_NEAR(r.weights(0, 1), w1, 1e-15) << mode;
  }
}

TEST(Attention, CausalOutputIgnoresLaterTokens) {
  Matrix q = randomMatrix(12, 8, 1), k = randomMatrix(12, 8, 2), v = randomMatrix(12, 4, 3);
  for (AttentionKind kind : {AttentionKind::Softmax, AttentionKind::LinearElu,
                             AttentionKind::LinearRelu, AttentionKind::Performer}) {
    AttentionOptions o = kindOf(kind);
    o.causal = true;
    o.heads = 2;
    o.rope = true;
    const Matrix before = attentionReference(q, k, v, o).out;
    Matrix k2 = k, v2 = v, q2 = q;
    for (size_t j = 6; j < 12; ++j)
      for (size_t c = 0; c < 8; ++c) k2(j, c) += 3.0, q2(j, c) -= 1.0;
    for (size_t j = 6; j < 12; ++j) v2(j, 0) = 100.0;
    const Matrix after = attentionReference(q2, k2, v2, o).out;
    for (size_t i = 0; i < 6; ++i)
      for (size_t c = 0; c < 4; ++c)
        EXPECT_EQ(before(i, c), after(i, c)) << attentionKindName(kind);
    if (kind != AttentionKind::LinearRelu) {  // token 0 sees itself only
      for (size_t c = 0; c < 4; ++c) EXPECT_NEAR(before(0, c), v(0, c), 1e-12);
    }
    EXPECT_NE(before(11, 0), after(11, 0));
  }
}

TEST(Attention, HeadsAreIndependentAttentionsConcatenated) {
  Matrix q = randomMatrix(9, 12, 4), k = randomMatrix(7, 12, 5), v = randomMatrix(7, 6, 6);
  for (AttentionKind kind :
       {AttentionKind::Softmax, AttentionKind::LinearElu, AttentionKind::Performer}) {
    AttentionOptions o = kindOf(kind);
    o.heads = 3;
    o.rope = true;
    const auto whole = attentionReference(q, k, v, o, true);
    AttentionOptions one = o;
    one.heads = 1;
    for (size_t h = 0; h < 3; ++h) {
      const auto part =
          attentionReference(slice(q, 4 * h, 4), slice(k, 4 * h, 4), slice(v, 2 * h, 2), one, true);
      EXPECT_LT(maxAbsDiff(part.out, slice(whole.out, 2 * h, 2)), 1e-14);
      for (size_t i = 0; i < 9; ++i)
        for (size_t j = 0; j < 7; ++j)
          EXPECT_NEAR(part.weights(i, j), whole.weights(h * 9 + i, j), 1e-15);
    }
  }
}

TEST(Attention, RopePreservesNormsAndDependsOnRelativePositionOnly) {
  Pcg32 rng(3);
  std::vector<double> q(16), k(16);
  for (double& x : q) x = rng.normal();
  for (double& x : k) x = rng.normal();
  for (double pos : {0.0, 1.0, 37.0, 4096.0}) {
    const auto r = ropeRotated(q, pos, 10000.0);
    double a = 0.0, b = 0.0;
    for (size_t c = 0; c < 16; ++c) a += q[c] * q[c], b += r[c] * r[c];
    EXPECT_NEAR(a, b, 1e-12 * a);
  }
  EXPECT_LT(ropeShiftError(q, k, 10000.0), 1e-11);
  EXPECT_LT(ropeShiftError(q, k, 500.0), 1e-11);
  // d = 2: one pair, theta_0 = 1, so position p rotates by p radians (RoFormer's convention).
  const auto r = ropeRotated({1.0, 0.0}, 2.0, 10000.0);
  EXPECT_NEAR(r[0], std::cos(2.0), 1e-15);
  EXPECT_NEAR(r[1], std::sin(2.0), 1e-15);
  // Pair i = 1 of d = 4 turns at base^(-1/2) per position.
  const auto r4 = ropeRotated({0.0, 0.0, 1.0, 0.0}, 3.0, 100.0);
  EXPECT_NEAR(r4[2], std::cos(0.3), 1e-15);
  EXPECT_NEAR(r4[3], std::sin(0.3), 1e-15);
  // The score of an all-ones pair decays with distance (RoFormer section 3.4.3) on the whole.
  const auto curve =
      ropeScoreCurve(std::vector<double>(64, 1.0), std::vector<double>(64, 1.0), 10000.0, 256);
  EXPECT_NEAR(curve[0], 64.0, 1e-12);
  EXPECT_LT(std::abs(curve[256]), 0.5 * curve[0]);
}

TEST(Attention, RopeInAttentionUsesRowPositions) {
  // Every query and key equal: with RoPE the scores are a function of i - j only.
  Matrix q(6, 4, 1.0), k(6, 4, 1.0), v = randomMatrix(6, 2, 8);
  AttentionOptions o;
  o.rope = true;
  o.ropeBase = 10.0;
  const auto r = attentionReference(q, k, v, o, true);
  // The score matrix is Toeplitz, so the weights of (i, j) and (i+1, j+1) have the same logits;
  // check through the logit differences of neighbouring keys.
  for (size_t i = 0; i + 1 < 6; ++i)
    for (size_t j = 0; j + 2 < 6; ++j)
      EXPECT_NEAR(std::log(r.weights(i, j) / r.weights(i, j + 1)),
                  std::log(r.weights(i + 1, j + 1) / r.weights(i + 1, j + 2)), 1e-12);
}

TEST(Attention, LinearMatchesItsExplicitFormulaAndPrefixForm) {
  Matrix q = randomMatrix(10, 6, 11), k = randomMatrix(8, 6, 12), v = randomMatrix(8, 4, 13);
  for (AttentionKind kind : {AttentionKind::LinearElu, AttentionKind::LinearRelu}) {
    for (bool causal : {false, true}) {
      AttentionOptions o = kindOf(kind);
      o.causal = causal;
      // The explicit formula, written out here.
      auto phi = [&](double x) {
        return kind == AttentionKind::LinearElu ? (x > 0 ? x + 1 : std::exp(x)) : std::max(x, 0.0);
      };
      Matrix expect(10, 4);
      for (size_t i = 0; i < 10; ++i) {
        double den = 0.0;
        std::vector<double> num(4, 0.0);
        for (size_t j = 0; j < 8 && (!causal || j <= i); ++j) {
          double a = 0.0;
          for (size_t c = 0; c < 6; ++c) a += phi(q(i, c)) * phi(k(j, c));
          den += a;
          for (size_t c = 0; c < 4; ++c) num[c] += a * v(j, c);
        }
        for (size_t c = 0; c < 4; ++c) expect(i, c) = den > 0 ? num[c] / den : 0.0;
      }
      EXPECT_LT(maxAbsDiff(attentionReference(q, k, v, o).out, expect), 1e-13);
      EXPECT_LT(maxAbsDiff(linearAttentionPrefix(q, k, v, o), expect), 1e-13);
    }
  }
}

TEST(Attention, PerformerFeaturesAreUnbiasedWithinTheirStandardError) {
  // phi(q) . phi(k) averages M iid draws of exp(w . (q + k) - (|q|^2 + |k|^2) / 2): mean
  // exp(q . k), variance exp(2|q + k|^2 - |q|^2 - |k|^2) - exp(2 q . k) (closed forms).
  Pcg32 rng(5);
  const size_t d = 8;
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> q(d), k(d);
    for (double& x : q) x = 0.35 * rng.normal();
    for (double& x : k) x = 0.35 * rng.normal();
    double qk = 0, qq = 0, kk = 0, uu = 0;
    for (size_t c = 0; c < d; ++c)
      qk += q[c] * k[c], qq += q[c] * q[c], kk += k[c] * k[c], uu += (q[c] + k[c]) * (q[c] + k[c]);
    const int m = 4096;
    const Matrix w = performerProjection(m, d, 100 + trial);
    const auto fq = performerFeatures(w, q.data()), fk = performerFeatures(w, k.data());
    double estimate = 0.0;
    for (int r = 0; r < m; ++r) estimate += fq[r] * fk[r];
    const double sd = std::sqrt((std::exp(2 * uu - qq - kk) - std::exp(2 * qk)) / m);
    EXPECT_LT(std::abs(estimate - std::exp(qk)), 4.0 * sd) << trial;
  }
}

TEST(Attention, PerformerApproachesSoftmaxAsFeaturesGrow) {
  Matrix q = randomMatrix(16, 8, 21, 0.5), k = randomMatrix(16, 8, 22, 0.5),
         v = randomMatrix(16, 4, 23);
  const Matrix exact = attentionReference(q, k, v, {}).out;
  AttentionOptions o = kindOf(AttentionKind::Performer);
  double previous = 1e9;
  for (int m : {16, 256, 4096}) {
    o.features = m;
    const double err = maxAbsDiff(attentionReference(q, k, v, o).out, exact);
    EXPECT_LT(err, previous) << m;
    previous = err;
  }
  EXPECT_LT(previous, 0.05);
  // Its stabilised prefix form equals its explicit form.
  EXPECT_LT(maxAbsDiff(linearAttentionPrefix(q, k, v, o), attentionReference(q, k, v, o).out),
            1e-12);
}

TEST(Attention, StreamingMatchesTheMatrixForm) {
  Matrix q = randomMatrix(150, 16, 31), k = randomMatrix(200, 16, 32), v = randomMatrix(200, 8, 33);
  for (bool causal : {false, true})
    for (int heads : {1, 4}) {
      AttentionOptions o;
      o.causal = causal;
      o.heads = heads;
      o.rope = heads == 4;
      parseScale(heads == 1 ? "none" : "sqrt", o, "scale");
      EXPECT_LT(maxAbsDiff(attentionStreamingCpu(q, k, v, o), attentionReference(q, k, v, o).out),
                2e-5)
          << causal << heads;
    }
}

TEST(Attention, ShapeMismatchesNameTheMatrices) {
  Matrix q(4, 8), k(5, 6), v(5, 3);
  try {
    checkAttention(q, k, v, {}, "Q.csv", "K.csv", "V.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "shape mismatch: queries and keys need the same width d: Q.csv (4 x 8), K.csv (5 "
                 "x 6)");
  }
  Matrix k2(4, 8);
  EXPECT_THROW(checkAttention(q, k2, v, {}), InputError);  // 4 keys, 5 values
  AttentionOptions o;
  o.heads = 3;
  EXPECT_THROW(checkAttention(q, Matrix(5, 8), v, o), InputError);
  o.heads = 8;
  o.rope = true;
  EXPECT_THROW(checkAttention(q, Matrix(5, 8), Matrix(5, 8), o), InputError);  // odd head width
}

TEST(Attention, CsvReadsAndRejectsBadRows) {
  const auto dir = std::filesystem::temp_directory_path() / "flowscope_attention_csv";
  std::filesystem::create_directories(dir);
  const std::string good = (dir / "good.csv").string(), bad = (dir / "bad.csv").string();
  std::ofstream(good) << "a,b,c\n1,2,3\n4.5, -6 ,7e-1\n";
  const Matrix m = readMatrixCsv(good);
  EXPECT_EQ(m.rows, 2u);
  EXPECT_EQ(m.cols, 3u);
  EXPECT_DOUBLE_EQ(m(1, 2), 0.7);
  std::ofstream(bad) << "a,b\n1,2\n3\n";
  try {
    readMatrixCsv(bad);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), bad + ": line 3: 1 values, but the header has 2 columns");
  }
  std::ofstream(bad) << "a,b\n1,x\n";
  EXPECT_THROW(readMatrixCsv(bad), InputError);
  const std::string round = (dir / "round.csv").string();
  writeMatrixCsv(round, m, "o");
  EXPECT_LT(maxAbsDiff(readMatrixCsv(round), m), 1e-9);
}

TEST(Attention, SqrtDLessonShowsVarianceGrowingWithD) {
  const auto points = sqrtDLesson({4, 64, 256}, 64, 64, 1);
  for (const auto& p : points) {
    EXPECT_NEAR(p.varUnscaled / p.d, 1.0, 0.15) << p.d;  // var(q . k) = d for unit normals
    EXPECT_NEAR(p.varScaled, 1.0, 0.15) << p.d;
  }
  // Unscaled logits collapse the softmax onto one key as d grows; scaled ones do not.
  EXPECT_LT(points[2].entropyUnscaled, 0.5);
  EXPECT_GT(points[2].entropyScaled, 2.5);
  EXPECT_NEAR(points[2].entropyScaled, points[0].entropyScaled, 0.3);
  // At d = 1 the two scales agree, and an entropy over 64 keys is at most log 64.
  const SqrtDPoint one = sqrtDLesson({1}, 64, 64, 1)[0];
  EXPECT_DOUBLE_EQ(one.entropyScaled, one.entropyUnscaled);
  EXPECT_LE(one.entropyUnscaled, std::log(64.0) + 1e-12);
  EXPECT_GT(one.entropyUnscaled, 0.0);
}

TEST(Attention, DenoiserAttentionIsTheIdealDenoiser) {
  // Two data points: E[y | x] = (y0 w0 + y1 w1), w from the Gaussian likelihoods.
  const std::vector<double> xs{-1.0, 2.0}, ys{0.0, 1.0};
  const double sigma = 0.8, qx = 0.3, qy = 0.2;
  auto lik = [&](int j) {
    const double dx = qx - xs[j], dy = qy - ys[j];
    return std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
  };
  const double w1 = lik(1) / (lik(0) + lik(1));
  const auto r = denoiserAttention(xs, ys, qx, qy, sigma);
  EXPECT_NEAR(r.weights[1], w1, 1e-15);
  EXPECT_NEAR(r.outX, -1.0 * (1 - w1) + 2.0 * w1, 1e-15);
  EXPECT_NEAR(r.outY, w1, 1e-15);
}

// The fast CPU path (float32, tiled online softmax) against the double reference, on sizes that
// cross its query blocks (128) and key tiles (512) unevenly, with every option.
TEST(FastAttention, MatchesTheDoubleReferenceOnEveryOption) {
  const Matrix q = randomMatrix(300, 16, 71, 0.6), k = randomMatrix(700, 16, 72, 0.6),
               v = randomMatrix(700, 8, 73);
  for (bool causal : {false, true})
    for (int heads : {1, 2})
      for (bool rope : {false, true})
        for (const char* scale : {"sqrt", "none", "0.3"}) {
          AttentionOptions o;
          o.causal = causal, o.heads = heads, o.rope = rope;
          parseScale(scale, o, "scale");
          const std::string what = std::string(causal ? "causal " : "") + "heads " +
                                   std::to_string(heads) + (rope ? " rope" : "") + " " + scale;
          EXPECT_LT(maxAbsDiff(attentionFastCpu(q, k, v, o), attentionReference(q, k, v, o).out),
                    2e-5)
              << what;
        }
}

// Causal masking at the tile edges: n = m = 1,100 (queries 0..1,099 against key tiles of 512),
// and the fast path's attentionCpu is the CPU backend's softmax.
TEST(FastAttention, CausalRowsSeeOnlyTheirPrefixAcrossTiles) {
  const Matrix q = randomMatrix(1100, 8, 81), k = randomMatrix(1100, 8, 82),
               v = randomMatrix(1100, 4, 83);
  AttentionOptions o;
  o.causal = true;
  const Matrix fast = attentionCpu(q, k, v, o), ref = attentionReference(q, k, v, o).out;
  EXPECT_LT(maxAbsDiff(fast, ref), 2e-5);
  for (size_t c = 0; c < 4; ++c) EXPECT_NEAR(fast(0, c), v(0, c), 1e-6);  // row 0 sees key 0
}

// The kernel on raw float arrays: one query against keys with known scores; a large logit (1e4
// apart) keeps every weight on its key (the running maximum prevents overflow).
TEST(FastAttention, KernelIsStableForLargeLogits) {
  const size_t m = 600;
  std::vector<float> q = {1.0f, 0.0f}, k(m * 2, 0.0f), v(m, 0.0f), out(1);
  for (size_t j = 0; j < m; ++j) k[2 * j] = float(j) * 20.0f, v[j] = float(j);
  flashAttention(q.data(), k.data(), v.data(), out.data(), {1, m, 2, 1, 1.0f, false});
  EXPECT_NEAR(out[0], float(m - 1), 1e-3);  // exp(-20) of the next key: negligible
}

// GPU kernels against their CPU twins.
class AttentionGpu : public testing::GpuTest {};

// The three paths on the same seeded inputs: GPU, fast CPU (float32) and the double reference.
TEST_F(AttentionGpu, GpuFastCpuAndReferenceAgree) {
  GpuAttention gpuAttention(*gpu);
  const Matrix q = randomMatrix(700, 32, 91, 0.5), k = randomMatrix(700, 32, 92, 0.5),
               v = randomMatrix(700, 32, 93);
  for (bool causal : {false, true}) {
    AttentionOptions o;
    o.causal = causal, o.heads = 2;
    const Matrix ref = attentionReference(q, k, v, o).out;
    const Matrix g = gpuAttention.run(q, k, v, o).out, fast = attentionFastCpu(q, k, v, o);
    EXPECT_LT(maxAbsDiff(g, ref), 2e-5) << causal;
    EXPECT_LT(maxAbsDiff(fast, ref), 2e-5) << causal;
    EXPECT_LT(maxAbsDiff(fast, g), 2e-5) << causal;
  }
}

TEST_F(AttentionGpu, EveryVariantMatchesTheCpu) {
  GpuAttention gpuAttention(*gpu);
  Matrix q = randomMatrix(130, 16, 41, 0.6), k = randomMatrix(150, 16, 42, 0.6),
         v = randomMatrix(150, 8, 43);
  for (AttentionKind kind : {AttentionKind::Softmax, AttentionKind::LinearElu,
                             AttentionKind::LinearRelu, AttentionKind::Performer})
    for (bool causal : {false, true})
      for (int heads : {1, 2})
        for (bool rope : {false, true}) {
          AttentionOptions o = kindOf(kind);
          o.causal = causal;
          o.heads = heads;
          o.rope = rope;
          o.features = 64;
          const auto ref = attentionReference(q, k, v, o, true);
          const auto g = gpuAttention.run(q, k, v, o, true);
          const std::string what = attentionKindName(kind) + (causal ? " causal" : "") + " heads " +
                                   std::to_string(heads) + (rope ? " rope" : "");
          EXPECT_LT(maxAbsDiff(g.out, ref.out), 2e-4) << what;
          EXPECT_LT(maxAbsDiff(g.weights, ref.weights), 2e-5) << what;
          if (kind == AttentionKind::Softmax) {
            EXPECT_LT(maxAbsDiff(g.out, attentionStreamingCpu(q, k, v, o)), 2e-5) << what;
          }
        }
}

// The backend choice: Auto puts the lab's kernels on Vulkan only where the device is not a CPU
// (CI's lavapipe is one), Gpu on Vulkan whatever it is, Cpu never; opening a scene keeps the
// choice; the lab says what runs, and its results agree either way.
TEST_F(AttentionGpu, LabPlacesItsKernelsByTheBackendChoice) {
  AttentionLab lab;
  lab.useGpu(gpu);
  EXPECT_EQ(lab.onGpu(), !gpu->isCpu());
  lab.update();
  const Matrix autoOut = lab.outputs();
  lab.setBackend(BackendChoice::Gpu);
  EXPECT_TRUE(lab.onGpu());
  EXPECT_NE(lab.computeBackend().find("Vulkan (" + gpu->info().name), std::string::npos)
      << lab.computeBackend();
  lab.update();
  EXPECT_LT(maxAbsDiff(lab.outputs(), autoOut), 2e-5);
  lab.openScene(lab.sceneJson(), "the same scene");
  EXPECT_EQ(lab.backend(), BackendChoice::Gpu);
  EXPECT_TRUE(lab.onGpu());
  lab.setBackend(BackendChoice::Cpu);
  EXPECT_FALSE(lab.onGpu());
  EXPECT_NE(lab.computeBackend().find("CPU"), std::string::npos) << lab.computeBackend();
  lab.useGpu(nullptr);
  lab.setBackend(BackendChoice::Gpu);
  EXPECT_FALSE(lab.onGpu());  // no device: nothing to run on
}

// One GpuAttention across runs of every variant, larger, then smaller (its buffers, grown for
// the larger, keep stale rows past the smaller's), then all again: every run matches the CPU
// reference, and the second pass makes no descriptor set (each was kept from the first). A run
// refused before any work leaves the sets as they were.
TEST_F(AttentionGpu, RunsReuseBuffersAndSetsAcrossSizes) {
  GpuAttention gpuAttention(*gpu);
  const auto pass = [&] {
    for (size_t n : {40, 150, 70})
      for (AttentionKind kind :
           {AttentionKind::Softmax, AttentionKind::LinearElu, AttentionKind::Performer})
        for (bool rope : {false, true}) {
          const Matrix q = randomMatrix(n, 8, 61 + n), k = randomMatrix(n + 5, 8, 62 + n),
                       v = randomMatrix(n + 5, 4, 63 + n);
          AttentionOptions o = kindOf(kind);
          o.rope = rope;
          o.features = 32;
          const auto ref = attentionReference(q, k, v, o, true);
          const auto g = gpuAttention.run(q, k, v, o, true);
          const std::string what = attentionKindName(kind) + " n " + std::to_string(n);
          EXPECT_LT(maxAbsDiff(g.out, ref.out), 2e-4) << what;
          EXPECT_LT(maxAbsDiff(g.weights, ref.weights), 2e-5) << what;
        }
  };
  pass();
  const size_t sets = gpuAttention.cachedSets();
  EXPECT_GT(sets, 0u);
  pass();
  EXPECT_EQ(gpuAttention.cachedSets(), sets);
  AttentionOptions wide;
  const Matrix q = randomMatrix(4, 256, 1), v = randomMatrix(4, 4, 2);
  EXPECT_THROW(gpuAttention.run(q, q, v, wide), InputError);  // head width 256 > 128
  EXPECT_EQ(gpuAttention.cachedSets(), sets);
}

TEST_F(AttentionGpu, StreamingKernelOnALongSequence) {
  // 4,096 tokens, d = 64: no n x n buffer is allocated (device bytes are O(n d)).
  GpuAttention gpuAttention(*gpu);
  Matrix q = randomMatrix(4096, 64, 51), k = randomMatrix(4096, 64, 52),
         v = randomMatrix(4096, 64, 53);
  AttentionOptions o;
  o.causal = true;
  const auto g = gpuAttention.run(q, k, v, o);
  EXPECT_LT(g.deviceBytes, 4u * 4096 * 64 * sizeof(float) + 4096);
  const Matrix cpu = attentionStreamingCpu(q, k, v, o);
  EXPECT_LT(maxAbsDiff(g.out, cpu), 1e-4);
  // Spot-check rows against the double reference on a prefix (causal: rows < 64 see keys < 64).
  Matrix q64 = slice(q, 0, 64), k64(64, 64), v64(64, 64);
  q64.rows = 64, q64.data.resize(64 * 64);
  for (size_t j = 0; j < 64; ++j)
    for (size_t c = 0; c < 64; ++c) k64(j, c) = k(j, c), v64(j, c) = v(j, c);
  const Matrix ref = attentionReference(q64, k64, v64, o).out;
  for (size_t i = 0; i < 64; ++i)
    for (size_t c = 0; c < 64; ++c) EXPECT_NEAR(g.out(i, c), ref(i, c), 1e-4);
}

TEST_F(AttentionGpu, HeadWidthOverTheLimitIsAnInputError) {
  GpuAttention gpuAttention(*gpu);
  EXPECT_THROW(gpuAttention.run(Matrix(4, 256, 0.1), Matrix(4, 256, 0.1), Matrix(4, 2), {}),
               InputError);
}

}  // namespace
}  // namespace flowscope
