#include "Attention.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "CsvFile.h"
#include "Dataset.h"
#include "EnumNames.h"
#include "FastAttention.h"
#include "InputError.h"
#include "Limits.h"
#include "OutputFiles.h"
#include "Parallel.h"
#include "Rng.h"

namespace flowscope {
namespace {

constexpr NamedValue<AttentionKind> kKinds[] = {{AttentionKind::Softmax, "softmax"},
                                                {AttentionKind::LinearElu, "linear-elu"},
                                                {AttentionKind::LinearRelu, "linear-relu"},
                                                {AttentionKind::Performer, "performer"}};

std::string shape(const std::string& name, const Matrix& m) {
  return name + " (" + std::to_string(m.rows) + " x " + std::to_string(m.cols) + ")";
}

size_t headWidth(size_t d, int heads) {
  return d / size_t(heads);
}

// Scores of query row `qi` against key row `kj` within head slice [off, off + dh).
double dot(const double* a, const double* b, size_t n) {
  double s = 0.0;
  for (size_t c = 0; c < n; ++c) s += a[c] * b[c];
  return s;
}

bool visible(const AttentionOptions& o, size_t i, size_t j) {
  return !o.causal || j <= i;
}

}  // namespace

Matrix readMatrixCsv(const std::string& path) {
  CsvSpec spec;
  spec.maxAbs = limits::kMaxAttentionEntry;
  spec.quantity = "attention inputs";
  NumericCsv csv = readNumericCsv(path, spec);
  Matrix m;
  m.rows = csv.rows(), m.cols = csv.cols, m.data = std::move(csv.values);
  return m;
}

void writeMatrixCsv(const std::string& path, const Matrix& m, const std::string& prefix) {
  OutputFiles files;
  stageMatrixCsv(files, path, m, prefix);
  files.commit();
}

void stageMatrixCsv(OutputFiles& files, const std::string& path, const Matrix& m,
                    const std::string& prefix) {
  std::vector<std::string> header(m.cols);
  for (size_t c = 0; c < m.cols; ++c) header[c] = prefix + std::to_string(c);
  files.stage(path, [&](std::ostream& out) {
    CsvWriter csv(out, path, header);
    for (size_t r = 0; r < m.rows; ++r) csv.row(std::span(m.row(r), m.cols));
  });
}

Matrix randomMatrix(size_t rows, size_t cols, uint64_t seed, double stddev) {
  Pcg32 rng(seed, 7u);
  Matrix m(rows, cols);
  for (double& v : m.data) v = stddev * rng.normal();
  return m;
}

Matrix multiply(const Matrix& a, const Matrix& b) {
  Matrix c(a.rows, b.cols);
  for (size_t i = 0; i < a.rows; ++i)
    for (size_t k = 0; k < a.cols; ++k)
      for (size_t j = 0; j < b.cols; ++j) c(i, j) += a(i, k) * b(k, j);
  return c;
}

std::string attentionKindName(AttentionKind k) {
  return nameIn(kKinds, k);
}
AttentionKind parseAttentionKind(const std::string& name, const std::string& field) {
  return parseIn(kKinds, name, field);
}

void parseScale(const std::string& text, AttentionOptions& o, const std::string& field) {
  if (text == "sqrt") {
    o.scale = ScaleMode::Sqrt;
    return;
  }
  if (text == "none") {
    o.scale = ScaleMode::None;
    return;
  }
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || !(v > 0.0))
    throw InputError(field + ": '" + text + "' is neither sqrt, none nor a positive number");
  if (v > limits::kMaxAttentionScale)
    throw InputError(field + ": must be at most " + formatNumber(limits::kMaxAttentionScale) +
                     " (got " + text + ")");
  o.scale = ScaleMode::Value;
  o.scaleValue = v;
}

std::string scaleText(const AttentionOptions& o) {
  if (o.scale == ScaleMode::Sqrt) return "sqrt";
  if (o.scale == ScaleMode::None) return "none";
  std::ostringstream s;
  s << o.scaleValue;
  return s.str();
}

double scaleFor(const AttentionOptions& o, size_t headDim) {
  switch (o.scale) {
    case ScaleMode::Sqrt:
      return 1.0 / std::sqrt(double(headDim));
    case ScaleMode::None:
      return 1.0;
    case ScaleMode::Value:
      return o.scaleValue;
  }
  return 1.0;
}

void checkAttention(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionOptions& o,
                    const std::string& qName, const std::string& kName, const std::string& vName) {
  if (q.rows == 0 || k.rows == 0 || q.cols == 0 || v.cols == 0)
    throw InputError("attention: empty matrix: " + shape(qName, q) + ", " + shape(kName, k) + ", " +
                     shape(vName, v));
  if (k.cols != q.cols)
    throw InputError("shape mismatch: queries and keys need the same width d: " + shape(qName, q) +
                     ", " + shape(kName, k));
  if (v.rows != k.rows)
    throw InputError("shape mismatch: values need one row per key: " + shape(kName, k) + ", " +
                     shape(vName, v));
  if (o.heads < 1) throw InputError("heads: must be at least 1");
  if (q.cols % size_t(o.heads) || v.cols % size_t(o.heads))
    throw InputError("heads: " + std::to_string(o.heads) +
                     " heads must divide d = " + std::to_string(q.cols) + " (" + qName +
                     ") and dv = " + std::to_string(v.cols) + " (" + vName + ")");
  if (o.rope && headWidth(q.cols, o.heads) % 2)
    throw InputError("rope: needs an even head width d/h, got " +
                     std::to_string(headWidth(q.cols, o.heads)) +
                     " (RoFormer pairs dimensions 2i, 2i+1)");
  if (o.rope && !(o.ropeBase > 1.0 && o.ropeBase <= limits::kMaxRopeBase))
    throw InputError("rope: the base must be above 1 and at most " +
                     formatNumber(limits::kMaxRopeBase) + " (got " + formatNumber(o.ropeBase) +
                     ")");
  if (o.kind == AttentionKind::Performer && (o.features < 1 || o.features > 4096))
    throw InputError("features: must be between 1 and 4096");
  if (o.scale == ScaleMode::Value &&
      !(o.scaleValue > 0.0 && o.scaleValue <= limits::kMaxAttentionScale))
    throw InputError("scale: must be above 0 and at most " +
                     formatNumber(limits::kMaxAttentionScale) + " (got " +
                     formatNumber(o.scaleValue) + ")");
  for (const auto& [m, name] : {std::pair{&q, &qName}, {&k, &kName}, {&v, &vName}})
    for (size_t i = 0; i < m->data.size(); ++i)
      if (!(std::abs(m->data[i]) <= limits::kMaxAttentionEntry))
        throw InputError(*name + ": row " + std::to_string(i / m->cols) + ", column " +
                         std::to_string(i % m->cols) + ": " + formatNumber(m->data[i]) +
                         " is outside the accepted range of attention inputs (|v| <= " +
                         formatNumber(limits::kMaxAttentionEntry) + ")");
}

std::vector<double> ropeRotated(const std::vector<double>& x, double pos, double base) {
  std::vector<double> y = x;
  const size_t dh = x.size();
  for (size_t i = 0; 2 * i + 1 < dh; ++i) {
    const double angle = pos * std::pow(base, -2.0 * double(i) / double(dh));
    const double c = std::cos(angle), s = std::sin(angle);
    y[2 * i] = x[2 * i] * c - x[2 * i + 1] * s;
    y[2 * i + 1] = x[2 * i] * s + x[2 * i + 1] * c;
  }
  return y;
}

void applyRope(Matrix& x, int heads, double base) {
  const size_t dh = headWidth(x.cols, heads);
  std::vector<double> slice(dh);
  for (size_t r = 0; r < x.rows; ++r)
    for (int h = 0; h < heads; ++h) {
      double* p = x.row(r) + size_t(h) * dh;
      slice.assign(p, p + dh);
      const auto y = ropeRotated(slice, double(r), base);
      std::copy(y.begin(), y.end(), p);
    }
}

Matrix performerProjection(int features, size_t headDim, uint64_t seed) {
  Pcg32 rng(seed, 9u);
  Matrix w(size_t(features), headDim);
  for (double& v : w.data) v = rng.normal();
  return w;
}

std::vector<double> performerFeatures(const Matrix& w, const double* x) {
  const double half = 0.5 * dot(x, x, w.cols), norm = 1.0 / std::sqrt(double(w.rows));
  std::vector<double> phi(w.rows);
  for (size_t r = 0; r < w.rows; ++r) phi[r] = std::exp(dot(w.row(r), x, w.cols) - half) * norm;
  return phi;
}

Matrix featureMap(const Matrix& x, const AttentionOptions& o, bool queries) {
  const size_t dh = headWidth(x.cols, o.heads);
  Matrix src = x;
  if (o.rope) applyRope(src, o.heads, o.ropeBase);
  if (o.kind == AttentionKind::LinearElu || o.kind == AttentionKind::LinearRelu) {
    for (double& v : src.data)
      v = o.kind == AttentionKind::LinearElu ? (v > 0.0 ? v + 1.0 : std::exp(v)) : std::max(v, 0.0);
    return src;
  }
  // Performer.
  const Matrix w = performerProjection(o.features, dh, o.seed);
  const size_t f = size_t(o.features);
  const double root = std::sqrt(scaleFor(o, dh)), norm = 1.0 / std::sqrt(double(f));
  double keyShift = 0.0;
  for (size_t r = 0; r < f; ++r) keyShift = std::max(keyShift, 0.5 * dot(w.row(r), w.row(r), dh));
  Matrix out(x.rows, size_t(o.heads) * f);
  std::vector<double> xs(dh), a(f);
  for (size_t i = 0; i < x.rows; ++i)
    for (int h = 0; h < o.heads; ++h) {
      for (size_t c = 0; c < dh; ++c) xs[c] = root * src(i, size_t(h) * dh + c);
      const double half = 0.5 * dot(xs.data(), xs.data(), dh);
      double mx = -std::numeric_limits<double>::infinity();
      for (size_t r = 0; r < f; ++r) mx = std::max(mx, a[r] = dot(w.row(r), xs.data(), dh) - half);
      const double shift = queries ? mx : keyShift;
      for (size_t r = 0; r < f; ++r) out(i, size_t(h) * f + r) = std::exp(a[r] - shift) * norm;
    }
  return out;
}

AttentionResult attentionReference(const Matrix& q, const Matrix& k, const Matrix& v,
                                   const AttentionOptions& o, bool weights) {
  checkAttention(q, k, v, o);
  const size_t n = q.rows, m = k.rows, dh = headWidth(q.cols, o.heads),
               dvh = headWidth(v.cols, o.heads), heads = size_t(o.heads);
  AttentionResult r;
  r.out = Matrix(n, v.cols);
  if (weights) r.weights = Matrix(heads * n, m);
  const bool linear = isLinearKind(o.kind);
  Matrix qs = q, ks = k;
  size_t width = dh;  // of one head's slice in qs / ks
  if (linear) {
    qs = featureMap(q, o, true);
    ks = featureMap(k, o, false);
    width = qs.cols / heads;
  } else if (o.rope) {
    applyRope(qs, o.heads, o.ropeBase);
    applyRope(ks, o.heads, o.ropeBase);
  }
  const double scale = scaleFor(o, dh);
  std::vector<double> a(m);
  for (size_t h = 0; h < heads; ++h)
    for (size_t i = 0; i < n; ++i) {
      const double* qi = qs.row(i) + h * width;
      double total = 0.0, mx = -std::numeric_limits<double>::infinity();
      for (size_t j = 0; j < m; ++j) {
        if (!visible(o, i, j)) {
          a[j] = 0.0;
          continue;
        }
        a[j] = dot(qi, ks.row(j) + h * width, width);
        if (!linear) mx = std::max(mx, a[j] *= scale);
      }
      for (size_t j = 0; j < m; ++j)
        if (visible(o, i, j)) total += a[j] = linear ? a[j] : std::exp(a[j] - mx);
      for (size_t j = 0; j < m; ++j) {
        const double p = total > 0.0 ? a[j] / total : 0.0;
        if (weights) r.weights(h * n + i, j) = p;
        if (p != 0.0)
          for (size_t c = 0; c < dvh; ++c) r.out(i, h * dvh + c) += p * v(j, h * dvh + c);
      }
    }
  return r;
}

Matrix linearAttentionPrefix(const Matrix& q, const Matrix& k, const Matrix& v,
                             const AttentionOptions& o) {
  checkAttention(q, k, v, o);
  const Matrix fq = featureMap(q, o, true), fk = featureMap(k, o, false);
  const size_t n = q.rows, m = k.rows, heads = size_t(o.heads), f = fq.cols / heads,
               dvh = v.cols / heads;
  Matrix out(n, v.cols);
  for (size_t h = 0; h < heads; ++h) {
    // s[a][c] = sum_j phi(k_j)_a v_jc, z[a] = sum_j phi(k_j)_a over the keys seen so far.
    std::vector<double> s(f * dvh, 0.0), z(f, 0.0);
    size_t added = 0;
    auto addKey = [&](size_t j) {
      for (size_t a = 0; a < f; ++a) {
        const double phi = fk(j, h * f + a);
        z[a] += phi;
        for (size_t c = 0; c < dvh; ++c) s[a * dvh + c] += phi * v(j, h * dvh + c);
      }
    };
    if (!o.causal)
      for (; added < m; ++added) addKey(added);
    for (size_t i = 0; i < n; ++i) {
      if (o.causal)
        for (; added < std::min(m, i + 1); ++added) addKey(added);
      double den = 0.0;
      for (size_t a = 0; a < f; ++a) den += fq(i, h * f + a) * z[a];
      if (!(den > 0.0)) continue;  // relu features that see nothing: output 0
      for (size_t c = 0; c < dvh; ++c) {
        double num = 0.0;
        for (size_t a = 0; a < f; ++a) num += fq(i, h * f + a) * s[a * dvh + c];
        out(i, h * dvh + c) = num / den;
      }
    }
  }
  return out;
}

Matrix attentionStreamingCpu(const Matrix& q, const Matrix& k, const Matrix& v,
                             const AttentionOptions& o) {
  checkAttention(q, k, v, o);
  const size_t n = q.rows, m = k.rows, d = q.cols, dv = v.cols, heads = size_t(o.heads),
               dh = d / heads, dvh = dv / heads;
  // Float copies, RoPE applied as the GPU's prepare kernel does (angles in double).
  Matrix qr = q, kr = k;
  if (o.rope) {
    applyRope(qr, o.heads, o.ropeBase);
    applyRope(kr, o.heads, o.ropeBase);
  }
  const std::vector<float> qf(qr.data.begin(), qr.data.end()), kf(kr.data.begin(), kr.data.end()),
      vf(v.data.begin(), v.data.end());
  const float scaleLog2e = float(scaleFor(o, dh) * 1.4426950408889634);
  std::vector<float> outF(n * dv);
  parallelFor(
      n * heads,
      [&](size_t task) {
        const size_t h = task / n, i = task % n;
        std::vector<float> qi(dh), acc(dvh, 0.0f), s(kStreamTile);
        for (size_t c = 0; c < dh; ++c) qi[c] = qf[i * d + h * dh + c] * scaleLog2e;
        float mx = -3.0e38f, l = 0.0f;
        const size_t end = o.causal ? std::min(m, i + 1) : m;
        for (size_t t0 = 0; t0 < end; t0 += kStreamTile) {
          const size_t count = std::min(kStreamTile, end - t0);
          float tileMax = -3.0e38f;
          for (size_t jj = 0; jj < count; ++jj) {
            const float* kj = &kf[(t0 + jj) * d + h * dh];
            float dotv = 0.0f;
            for (size_t c = 0; c < dh; ++c) dotv += qi[c] * kj[c];
            s[jj] = dotv;
            tileMax = std::max(tileMax, dotv);
          }
          const float newMax = std::max(mx, tileMax), corr = std::exp2(mx - newMax);
          l *= corr;
          for (float& a : acc) a *= corr;
          mx = newMax;
          for (size_t jj = 0; jj < count; ++jj) {
            const float p = std::exp2(s[jj] - mx);
            l += p;
            const float* vj = &vf[(t0 + jj) * dv + h * dvh];
            for (size_t c = 0; c < dvh; ++c) acc[c] += p * vj[c];
          }
        }
        for (size_t c = 0; c < dvh; ++c) outF[i * dv + h * dvh + c] = acc[c] / l;
      },
      16);
  Matrix out(n, dv);
  std::copy(outF.begin(), outF.end(), out.data.begin());
  return out;
}

Matrix attentionCpu(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionOptions& o) {
  return o.kind == AttentionKind::Softmax ? attentionFastCpu(q, k, v, o)
                                          : linearAttentionPrefix(q, k, v, o);
}

std::vector<double> rowEntropies(const Matrix& weights) {
  std::vector<double> e(weights.rows, 0.0);
  for (size_t r = 0; r < weights.rows; ++r)
    for (size_t c = 0; c < weights.cols; ++c)
      if (double p = weights(r, c); p > 0.0) e[r] -= p * std::log(p);
  return e;
}

std::vector<SqrtDPoint> sqrtDLesson(const std::vector<int>& dims, int keys, int queries,
                                    uint64_t seed) {
  std::vector<SqrtDPoint> out;
  for (int d : dims) {
    Pcg32 rng(seed + uint64_t(d), 11u);
    SqrtDPoint p;
    p.d = d;
    double sum = 0.0, sumSq = 0.0;
    size_t count = 0;
    std::vector<double> kmat(size_t(keys) * d), qv(d), logits(keys);
    for (double& x : kmat) x = rng.normal();
    for (int qi = 0; qi < queries; ++qi) {
      for (double& x : qv) x = rng.normal();
      for (int j = 0; j < keys; ++j) {
        logits[j] = dot(qv.data(), &kmat[size_t(j) * d], size_t(d));
        sum += logits[j], sumSq += logits[j] * logits[j], ++count;
      }
      // Two passes, unscaled then scaled (at d = 1 both scales are 1: each pass keeps its own
      // entropy).
      for (int pass = 0; pass < 2; ++pass) {
        const double scale = pass == 0 ? 1.0 : 1.0 / std::sqrt(double(d));
        double mx = -std::numeric_limits<double>::infinity(), z = 0.0, h = 0.0;
        for (double l : logits) mx = std::max(mx, l * scale);
        for (double l : logits) z += std::exp(l * scale - mx);
        for (double l : logits) {
          const double pj = std::exp(l * scale - mx) / z;
          if (pj > 0.0) h -= pj * std::log(pj);
        }
        (pass == 0 ? p.entropyUnscaled : p.entropyScaled) += h / queries;
      }
    }
    const double mean = sum / count;
    p.varUnscaled = sumSq / count - mean * mean;
    p.varScaled = p.varUnscaled / d;
    out.push_back(p);
  }
  return out;
}

std::vector<double> ropeScoreCurve(const std::vector<double>& q, const std::vector<double>& k,
                                   double base, int maxDistance) {
  std::vector<double> curve;
  const auto k0 = ropeRotated(k, 0.0, base);
  for (int delta = 0; delta <= maxDistance; ++delta) {
    const auto qd = ropeRotated(q, double(delta), base);
    curve.push_back(dot(qd.data(), k0.data(), q.size()));
  }
  return curve;
}

double ropeShiftError(const std::vector<double>& q, const std::vector<double>& k, double base) {
  double worst = 0.0;
  for (double p : {0.0, 3.0, 17.0})
    for (double pk : {0.0, 5.0, 40.0}) {
      const auto a = ropeRotated(q, p, base), b = ropeRotated(k, pk, base);
      const double ref = dot(a.data(), b.data(), q.size());
      for (double s : {1.0, 10.0, 100.0, 1000.0}) {
        const auto as = ropeRotated(q, p + s, base), bs = ropeRotated(k, pk + s, base);
        worst = std::max(worst, std::abs(dot(as.data(), bs.data(), q.size()) - ref));
      }
    }
  return worst;
}

DenoiserAttention denoiserAttention(const std::vector<double>& xs, const std::vector<double>& ys,
                                    double qx, double qy, double sigma) {
  DenoiserAttention r;
  const size_t m = xs.size();
  r.weights.resize(m);
  const double temperature = 1.0 / (2.0 * sigma * sigma);
  double mx = -std::numeric_limits<double>::infinity(), z = 0.0;
  for (size_t j = 0; j < m; ++j) {
    const double dx = qx - xs[j], dy = qy - ys[j];
    mx = std::max(mx, r.weights[j] = -(dx * dx + dy * dy) * temperature);
  }
  for (double& w : r.weights) z += w = std::exp(w - mx);
  for (size_t j = 0; j < m; ++j) {
    const double p = r.weights[j] /= z;
    r.outX += p * xs[j], r.outY += p * ys[j];
    if (p > 0.0) r.entropy -= p * std::log(p);
  }
  return r;
}

}  // namespace flowscope
