#include "AttentionLab.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "AttentionKernel.h"
#include "AttentionScene.h"
#include "Dataset.h"
#include "EmpiricalModel.h"
#include "EnumNames.h"
#include "FastCpu.h"
#include "InputError.h"
#include "JsonReader.h"

namespace flowscope {
namespace {

constexpr NamedValue<ProjectionKind> kProjections[] = {{ProjectionKind::Identity, "identity"},
                                                       {ProjectionKind::Random, "random"},
                                                       {ProjectionKind::Csv, "csv"}};

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Head 0's rows of a (h n) x m weight matrix.
Matrix headSlice(const Matrix& w, size_t rows) {
  Matrix out(rows, w.cols);
  std::copy(w.data.begin(), w.data.begin() + long(rows * w.cols), out.data.begin());
  return out;
}

}  // namespace

std::string projectionKindName(ProjectionKind k) {
  return nameIn(kProjections, k);
}

ProjectionKind parseProjectionKind(const std::string& name) {
  return parseIn(kProjections, name, "kind");
}

AttentionLab::AttentionLab(AttentionSettings settings) : s_(std::move(settings)) {
  setTokens(s_.tokens, s_.count, s_.tokenSeed);
  resampleSqrtD();
}

AttentionLab::AttentionLab(AttentionSettings settings, Matrix tokens)
    : s_(std::move(settings)), x_(std::move(tokens)) {
  rebuildProjections();
  resampleSqrtD();
}

AttentionLab::~AttentionLab() = default;
AttentionLab::AttentionLab(AttentionLab&&) noexcept = default;
AttentionLab& AttentionLab::operator=(AttentionLab&&) noexcept = default;

const LabInfo& describeAttentionLab() {
  static const LabInfo info{"attention", "Attention", "attention"};
  return info;
}

// The default scene: a sharper softmax (logits x 2.5 rather than 1/√2, so one query's weights
// stand out) with the middle query selected.
std::unique_ptr<Lab> makeAttentionLab() {
  AttentionSettings settings;
  settings.options.scale = ScaleMode::Value;
  settings.options.scaleValue = 2.5;
  auto lab = std::make_unique<AttentionLab>(settings);
  lab->setSelected(settings.count / 2);
  return lab;
}

const LabInfo& AttentionLab::info() const {
  return describeAttentionLab();
}

AttentionScene AttentionLab::snapshot() const {
  return {s_, x_, selected_, camera_};
}

void AttentionLab::replaceScene(const AttentionScene& scene) {
  AttentionLab next(scene.settings, scene.tokens);  // validates tokens, projections and options
  next.setSigma(scene.settings.sigma);
  if (scene.settings.compareWith == AttentionKind::Softmax)
    throw InputError("compare_with: pick a linear kind");
  if (scene.settings.options.rope && !(scene.settings.options.ropeBase > 1.0))
    throw InputError("rope_base: must be above 1");
  next.setSelected(scene.selected);
  next.camera_ = scene.camera;
  // The device and its kernels carry over; nothing of this lab changed before here.
  next.gpuAttention_ = std::move(gpuAttention_);
  next.stale_ = next.fieldStale_ = next.linkStale_ = true;
  *this = std::move(next);
}

nlohmann::json AttentionLab::sceneJson() const {
  return attentionSceneToJson(snapshot());
}

void AttentionLab::openScene(const nlohmann::json& scene, const std::string& source) {
  const AttentionScene parsed = attentionSceneFromJson(scene, source);
  JsonReader(source).applySection("attention", [&] { replaceScene(parsed); });
}

void AttentionLab::resetCamera() {
  camera_ = View2D{{0.0, 0.0}, 5.0};
}

std::string AttentionLab::status() const {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "Attention: %s, n = %zu, computed in %.2f ms",
                attentionKindName(s_.options.kind).c_str(), tokenCount(), computeMs_);
  return buf;
}

void AttentionLab::addStats(nlohmann::json& stats) const {
  stats["attention_kind"] = attentionKindName(s_.options.kind);
  stats["attention_tokens"] = int(tokenCount());
  stats["attention_compute_ms"] = computeMs_;
  stats["attention_on_gpu"] = onGpu();
}

void AttentionLab::useGpu(const GpuContext* gpu) {
  if (gpuAttention_.place(gpu, backend())) stale_ = fieldStale_ = true;
}

void AttentionLab::backendChanged() {
  if (gpuAttention_.place(backend())) stale_ = fieldStale_ = true;
  costs_.clear();  // the cost chart was measured on the other backend
}

std::string AttentionLab::computeBackend() const {
  if (gpuAttention_) return "attention: " + gpuAttention_.describe() + ", float32";
  return "attention: CPU; shown weights in double (reference), cost chart " + fastCpuName();
}

void AttentionLab::setTokens(const std::string& source, int count, uint64_t seed) {
  if (count < 1 || count > kMaxTokens)
    throw InputError("tokens: count must be between 1 and " + std::to_string(kMaxTokens));
  Matrix x;
  if (source == "painted") {
    x = x_.cols == 2 ? x_ : Matrix(0, 2);
  } else if (endsWith(source, ".csv")) {
    x = readMatrixCsv(source);
    if (x.rows > size_t(kMaxTokens))
      throw InputError(source + ": " + std::to_string(x.rows) + " tokens; the lab draws up to " +
                       std::to_string(kMaxTokens) + " (flowscope-cli attention takes more)");
  } else {
    const auto& names = presetNames();
    if (std::find(names.begin(), names.end(), source) == names.end()) {
      std::string valid;
      for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
      throw InputError("tokens: '" + source + "' is neither a preset (" + valid +
                       "), painted, nor a .csv file");
    }
    const auto pts = presetPoints(source, count, seed);
    x = Matrix(pts.size(), 2);
    for (size_t i = 0; i < pts.size(); ++i) x(i, 0) = pts[i].x, x(i, 1) = pts[i].y;
  }
  const Matrix old = x_;
  const AttentionSettings oldSettings = s_;
  x_ = std::move(x);
  s_.tokens = source, s_.count = count, s_.tokenSeed = seed;
  try {
    rebuildProjections();
  } catch (const InputError&) {
    x_ = old;
    s_ = oldSettings;
    if (x_.rows) rebuildProjections();
    throw;
  }
  selected_ = std::min(selected_, std::max(0, int(x_.rows) - 1));
}

void AttentionLab::addToken(glm::dvec2 p) {
  if (x_.cols != 2 && x_.rows) throw InputError("painting: the tokens are not points in the plane");
  if (x_.rows >= size_t(kMaxTokens))
    throw InputError("painting: at most " + std::to_string(kMaxTokens) + " tokens");
  Matrix x = x_.rows ? x_ : Matrix(0, 2);
  x.data.push_back(p.x);
  x.data.push_back(p.y);
  ++x.rows;
  x_ = std::move(x);
  s_.tokens = "painted";
  rebuildProjections();
}

void AttentionLab::moveToken(size_t i, glm::dvec2 p) {
  if (i >= x_.rows || x_.cols != 2) return;
  x_(i, 0) = p.x, x_(i, 1) = p.y;
  rebuildProjections();
}

void AttentionLab::clearTokens() {
  x_ = Matrix(0, 2);
  s_.tokens = "painted";
  q_ = k_ = v_ = weights_ = out_ = Matrix();
  entropies_.clear();
  field_.clear();
  selected_ = 0;
  ++revision_;
}

Matrix AttentionLab::projectionMatrix(const Projection& p, size_t width) const {
  switch (p.kind) {
    case ProjectionKind::Identity: {
      Matrix w(width, width);
      for (size_t i = 0; i < width; ++i) w(i, i) = 1.0;
      return w;
    }
    case ProjectionKind::Random:
      return randomMatrix(width, width, p.seed, 1.0 / std::sqrt(double(width)));
    case ProjectionKind::Csv: {
      Matrix w = readMatrixCsv(p.path);
      if (w.rows != width)
        throw InputError(
            p.path + ": a projection needs one row per token dimension: " + std::to_string(w.rows) +
            " rows, tokens have d_in = " + std::to_string(width));
      return w;
    }
  }
  return {};
}

void AttentionLab::rebuildProjections() {
  if (x_.rows == 0) {
    clearTokens();
    return;
  }
  Matrix wq = projectionMatrix(s_.wq, x_.cols), wk = projectionMatrix(s_.wk, x_.cols),
         wv = projectionMatrix(s_.wv, x_.cols);
  Matrix q = multiply(x_, wq), k = multiply(x_, wk), v = multiply(x_, wv);
  checkAttention(q, k, v, s_.options, "queries", "keys", "values");
  wq_ = std::move(wq), wk_ = std::move(wk), wv_ = std::move(wv);
  q_ = std::move(q), k_ = std::move(k), v_ = std::move(v);
  stale_ = fieldStale_ = linkStale_ = true;
  ++revision_;
}

void AttentionLab::setProjection(char which, const Projection& p) {
  Projection& slot = which == 'q' ? s_.wq : which == 'k' ? s_.wk : s_.wv;
  const Projection old = slot;
  slot = p;
  try {
    rebuildProjections();
  } catch (const InputError&) {
    slot = old;
    throw;
  }
}

void AttentionLab::setOptions(const AttentionOptions& o) {
  if (x_.rows) checkAttention(q_, k_, v_, o, "queries", "keys", "values");
  s_.options = o;
  stale_ = fieldStale_ = true;
  ++revision_;
}

void AttentionLab::setSelected(int query) {
  if (x_.rows == 0) return;
  selected_ = std::clamp(query, 0, int(x_.rows) - 1);
  stale_ = true;  // the RoPE curve follows the selected query
  ++revision_;
}

void AttentionLab::setCompareWith(AttentionKind k) {
  if (k == AttentionKind::Softmax) throw InputError("compare: pick a linear kind");
  s_.compareWith = k;
  stale_ = true;
}

void AttentionLab::setSigma(double sigma) {
  if (!(sigma > 0.0) || !std::isfinite(sigma)) throw InputError("sigma: must be positive");
  s_.sigma = sigma;
  linkStale_ = true;
}

void AttentionLab::setFieldView(glm::dvec2 lo, glm::dvec2 hi) {
  if (lo == fieldLo_ && hi == fieldHi_) return;
  fieldLo_ = lo, fieldHi_ = hi;
  fieldStale_ = true;
}

void AttentionLab::setViewport(uint32_t width, uint32_t height) {
  const int w = int(width), h = int(height);
  setFieldView(camera_.pixelToWorld({0.0, double(h)}, w, h),
               camera_.pixelToWorld({double(w), 0.0}, w, h));
}

glm::dvec2 AttentionLab::tokenPoint(size_t i) const {
  return {x_(i, 0), x_.cols > 1 ? x_(i, 1) : 0.0};
}

std::optional<size_t> AttentionLab::tokenAt(glm::dvec2 world, double radius) const {
  std::optional<size_t> best;
  double bestD = radius * radius;
  for (size_t i = 0; i < x_.rows; ++i) {
    const glm::dvec2 d = tokenPoint(i) - world;
    if (double dd = glm::dot(d, d); dd <= bestD) bestD = dd, best = i;
  }
  return best;
}

AttentionKind AttentionLab::compareKindA() const {
  return AttentionKind::Softmax;
}
AttentionKind AttentionLab::compareKindB() const {
  return s_.options.kind == AttentionKind::Softmax ? s_.compareWith : s_.options.kind;
}

AttentionResult AttentionLab::compute(const Matrix& q, const Matrix& k, const Matrix& v,
                                      const AttentionOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  AttentionResult r;
  if (gpuAttention_) {
    auto g = gpuAttention_->run(q, k, v, o, true);
    r.out = std::move(g.out), r.weights = std::move(g.weights);
  } else {
    r = attentionReference(q, k, v, o, true);
  }
  computeMs_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return r;
}

void AttentionLab::resampleSqrtD() {
  sqrtD_ = sqrtDLesson({1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, 64, 64, sqrtDSeed_++);
  ++revision_;
}

void AttentionLab::measure(int maxN) {
  pendingSizes_.clear();
  costs_.clear();
  for (int n = 256; n <= maxN; n *= 2) pendingSizes_.push_back(n);
  std::reverse(pendingSizes_.begin(), pendingSizes_.end());  // popped from the back
}

void AttentionLab::recomputeField() {
  field_.clear();
  fieldStale_ = false;
  if (!s_.showField || x_.cols != 2 || v_.cols < 2 || x_.rows == 0) return;
  const AttentionOptions& o = s_.options;
  const size_t cols = kFieldColumns, rows = kFieldRows, n = x_.rows;
  Matrix g(cols * rows, 2);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      g(r * cols + c, 0) = fieldLo_.x + (fieldHi_.x - fieldLo_.x) * (c + 0.5) / cols;
      g(r * cols + c, 1) = fieldLo_.y + (fieldHi_.y - fieldLo_.y) * (r + 0.5) / rows;
    }
  Matrix qg = multiply(g, wq_), kr = k_;
  AttentionOptions free = o;
  free.causal = false;  // a free query sits after the last token: it sees every key
  if (o.rope) {
    applyRope(kr, o.heads, o.ropeBase);
    const size_t dh = qg.cols / size_t(o.heads);
    std::vector<double> slice(dh);
    for (size_t i = 0; i < qg.rows; ++i)
      for (int h = 0; h < o.heads; ++h) {
        double* p = qg.row(i) + size_t(h) * dh;
        slice.assign(p, p + dh);
        const auto y = ropeRotated(slice, double(n), o.ropeBase);
        std::copy(y.begin(), y.end(), p);
      }
    free.rope = false;
  }
  const Matrix out = attentionReference(qg, kr, v_, free).out;
  for (size_t i = 0; i < g.rows; ++i)
    field_.push_back({{g(i, 0), g(i, 1)}, {out(i, 0), out(i, 1)}});
}

void AttentionLab::recomputeLink() {
  if (x_.rows == 0) return;
  std::vector<double> xs(x_.rows), ys(x_.rows);
  std::vector<glm::dvec2> pts(x_.rows);
  for (size_t i = 0; i < x_.rows; ++i) {
    pts[i] = tokenPoint(i);
    xs[i] = pts[i].x, ys[i] = pts[i].y;
  }
  denoiser_ = denoiserAttention(xs, ys, s_.noisy.x, s_.noisy.y, s_.sigma);
  empirical_ = EmpiricalModel(pts, "tokens").evaluate(s_.noisy, 1.0, s_.sigma).denoised;
}

void AttentionLab::update() {
  if (!pendingSizes_.empty()) {
    const int n = pendingSizes_.back();
    pendingSizes_.pop_back();
    const Matrix q = randomMatrix(n, 64, 61), k = randomMatrix(n, 64, 62),
                 v = randomMatrix(n, 64, 63);
    CostPoint p;
    p.n = n;
    for (AttentionKind kind : {AttentionKind::Softmax, AttentionKind::LinearElu}) {
      AttentionOptions o;
      o.kind = kind;
      double ms = 0.0;
      if (gpuAttention_) {
        if (costs_.empty()) gpuAttention_->run(q, k, v, o);  // warm-up
        ms = gpuAttention_->run(q, k, v, o).computeMs;
      } else {
        const auto start = std::chrono::steady_clock::now();
        attentionCpu(q, k, v, o);
        ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                 .count();
      }
      (kind == AttentionKind::Softmax ? p.softmaxMs : p.linearMs) = ms;
    }
    costs_.push_back(p);
    ++revision_;
  }
  if (s_.diffusionLink && linkStale_) {
    recomputeLink();
    linkStale_ = false;
  }
  if (x_.rows == 0) return;
  if (stale_) {
    stale_ = false;
    const AttentionOptions& o = s_.options;
    AttentionResult r = compute(q_, k_, v_, o);
    weights_ = std::move(r.weights);
    out_ = std::move(r.out);
    entropies_ = rowEntropies(weights_);
    performerError_ = 0.0;
    if (o.kind == AttentionKind::Performer) {
      AttentionOptions exact = o;
      exact.kind = AttentionKind::Softmax;
      const Matrix ref = attentionReference(q_, k_, v_, exact, true).weights;
      for (size_t i = 0; i < std::min(weights_.data.size(), ref.data.size()); ++i)
        performerError_ = std::max(performerError_, std::abs(weights_.data[i] - ref.data[i]));
    }
    compareA_ = compareB_ = compareDiff_ = Matrix();
    if (s_.showCompare) {
      AttentionOptions a = o, b = o;
      a.kind = compareKindA();
      b.kind = compareKindB();
      a.heads = b.heads = o.heads;
      compareA_ = headSlice(attentionReference(q_, k_, v_, a, true).weights, x_.rows);
      compareB_ = headSlice(attentionReference(q_, k_, v_, b, true).weights, x_.rows);
      compareDiff_ = Matrix(compareA_.rows, compareA_.cols);
      for (size_t i = 0; i < compareDiff_.data.size(); ++i)
        compareDiff_.data[i] = std::abs(compareA_.data[i] - compareB_.data[i]);
    }
    // RoPE lesson: the selected query against key 0 (head 0), and RoFormer's all-ones pair.
    const size_t dh = q_.cols / size_t(o.heads);
    ropeCurve_.clear();
    if (dh % 2 == 0) {
      std::vector<double> qv(q_.row(size_t(selected_)), q_.row(size_t(selected_)) + dh),
          kv(k_.row(0), k_.row(0) + dh);
      ropeCurve_ = ropeScoreCurve(qv, kv, o.ropeBase, 256);
      ropeShift_ = ropeShiftError(qv, kv, o.ropeBase);
    }
    ropeOnes_ =
        ropeScoreCurve(std::vector<double>(64, 1.0), std::vector<double>(64, 1.0), o.ropeBase, 256);
    ++revision_;
  }
  if (fieldStale_) {
    recomputeField();
    ++revision_;
  }
}

}  // namespace flowscope
