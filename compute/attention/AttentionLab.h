#pragma once
// The Attention lab's state: tokens (points in the plane from a preset or painted, or d-dim rows
// from a CSV), the projections that make queries, keys and values, the attention options, and
// everything drawn from them: the attention matrix, row entropies, the attention field, the
// softmax-vs-linear comparison, the lessons (sqrt(d), RoPE), the cost chart and the diffusion
// link. Setters validate (InputError, the state unchanged); update() recomputes what is stale,
// on the GPU when the lab has one (GpuAttention), else with the CPU reference.
//
// Conventions (named in the panel and README): token i sits at position i; projections are
// d_in x d_out matrices applied on the right (Q = X Wq); "random" projections have N(0, 1/d_in)
// entries (seeded) and keep the width; the field's queries sit at position n (after the last
// token), unmasked; in the plane, a d-dim token is drawn at its first two coordinates.
#include <glm/glm.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "Attention.h"
#include "Lab.h"
#include "View2D.h"
#include "VulkanKernel.h"

namespace flowscope {

class GpuContext;
class GpuAttention;

enum class ProjectionKind { Identity, Random, Csv };
std::string projectionKindName(ProjectionKind k);             // "identity" | "random" | "csv"
ProjectionKind parseProjectionKind(const std::string& name);  // throws InputError

struct Projection {
  ProjectionKind kind = ProjectionKind::Identity;
  uint64_t seed = 1;
  std::string path;  // Csv: d_in rows (after a header line) of d_out numbers
};

struct AttentionSettings {
  std::string tokens = "moons";  // a dataset preset (Dataset.h), "painted", or a .csv path
  int count = 24;                // preset tokens
  uint64_t tokenSeed = 1;
  Projection wq, wk, wv;
  AttentionOptions options;
  // Display.
  bool showLines = true, showField = true, showCompare = false;
  AttentionKind compareWith = AttentionKind::LinearElu;  // when the kind shown is softmax
  bool diffusionLink = false;
  double sigma = 0.5;
  glm::dvec2 noisy{0.4, 0.9};
};

// One point of the measured cost chart: milliseconds against n (d = 64) per kind.
struct CostPoint {
  int n = 0;
  double softmaxMs = 0.0, linearMs = 0.0;
};

struct AttentionScene;

class AttentionLab : public Lab {
 public:
  static constexpr int kMaxTokens = 512;  // drawn and edited in the lab (the CLI takes more)
  static constexpr int kFieldColumns = 25, kFieldRows = 17;

  explicit AttentionLab(AttentionSettings settings = {});
  ~AttentionLab() override;
  AttentionLab(AttentionLab&&) noexcept;
  AttentionLab& operator=(AttentionLab&&) noexcept;
  const AttentionSettings& settings() const { return s_; }
  View2D& camera() override { return camera_; }
  const View2D& camera() const { return camera_; }

  // The Lab interface: scene files (AttentionScene.h), status and stats, the camera.
  const LabInfo& info() const override;
  nlohmann::json sceneJson() const override;
  void openScene(const nlohmann::json& scene, const std::string& source) override;
  std::string status() const override;
  void addStats(nlohmann::json& stats) const override;
  void resetCamera() override;
  // The lab as shown, and replacing it (validates first; InputError changes nothing).
  AttentionScene snapshot() const;
  void replaceScene(const AttentionScene& scene);

  // The device the shell names; the attention kernels run there where backend() puts them on
  // Vulkan, else on the CPU (the shown weights by the double reference, the cost chart by the fast
  // float32 path).
  void useGpu(const GpuContext* gpu) override;
  bool onGpu() const { return bool(gpuAttention_); }
  std::string computeBackend() const override;

  // Validating setters (InputError; the lab is unchanged when they throw).
  void setTokens(const std::string& source, int count, uint64_t seed);
  void addToken(glm::dvec2 p);  // painting: switches the source to "painted" (2-D tokens only)
  void moveToken(size_t i, glm::dvec2 p);
  void clearTokens();
  void setProjection(char which, const Projection& p);  // 'q' | 'k' | 'v'
  void setOptions(const AttentionOptions& o);
  void setSelected(int query);
  void setHover(int row, int column) { hoverRow_ = row, hoverColumn_ = column; }
  void setShowLines(bool on) { s_.showLines = on; }
  void setShowField(bool on) { s_.showField = on, fieldStale_ = true; }
  void setShowCompare(bool on) { s_.showCompare = on, stale_ = true; }
  void setCompareWith(AttentionKind k);
  void setDiffusionLink(bool on) { s_.diffusionLink = on, linkStale_ = true; }
  void setSigma(double sigma);
  void setNoisy(glm::dvec2 p) { s_.noisy = p, linkStale_ = true; }
  void setFieldView(glm::dvec2 lo, glm::dvec2 hi);  // the plane region the field covers
  // The field covers what the camera shows in a viewport of this size.
  void setViewport(uint32_t width, uint32_t height) override;

  // Recomputes what the last edits made stale.
  void update() override;

  // Tokens and projections.
  const Matrix& tokens() const { return x_; }
  size_t tokenCount() const { return x_.rows; }
  glm::dvec2 tokenPoint(size_t i) const;  // the first two coordinates
  std::optional<size_t> tokenAt(glm::dvec2 world, double radius) const;
  const Matrix& queries() const { return q_; }
  const Matrix& keys() const { return k_; }
  const Matrix& values() const { return v_; }
  int selected() const { return selected_; }
  int hoverRow() const { return hoverRow_; }
  int hoverColumn() const { return hoverColumn_; }

  // Results: the weights ((h n) x m), outputs (n x dv), entropies of each head's rows, the time.
  const Matrix& weights() const { return weights_; }
  const Matrix& outputs() const { return out_; }
  const std::vector<double>& entropies() const { return entropies_; }
  double computeMs() const { return computeMs_; }
  // Softmax vs linear: the two weight matrices (head 0) and |their difference|.
  const Matrix& compareA() const { return compareA_; }
  const Matrix& compareB() const { return compareB_; }
  const Matrix& compareDifference() const { return compareDiff_; }
  // Performer kinds: max |A_performer - A_softmax| over every head's weights; else 0.
  double performerError() const { return performerError_; }
  AttentionKind compareKindA() const;
  AttentionKind compareKindB() const;
  // The field: queries on a kFieldColumns x kFieldRows grid (2-D tokens), arrows to their
  // outputs' first two coordinates. Empty when tokens are not 2-D or values are narrower than 2.
  struct Arrow {
    glm::dvec2 from, to;
  };
  const std::vector<Arrow>& field() const { return field_; }
  // Lessons.
  const std::vector<SqrtDPoint>& sqrtD() const { return sqrtD_; }
  void resampleSqrtD();
  // The RoPE curve of the selected query and key 0 (head 0), and of RoFormer's all-ones 64-d pair.
  const std::vector<double>& ropeCurve() const { return ropeCurve_; }
  const std::vector<double>& ropeOnesCurve() const { return ropeOnes_; }
  double ropeShift() const { return ropeShift_; }
  // Cost chart: measure() queues the sizes, each update() measures one.
  void measure(int maxN);
  bool measuring() const { return !pendingSizes_.empty(); }
  const std::vector<CostPoint>& costs() const { return costs_; }
  // The diffusion link: tokens' first two coordinates are the data, the noisy point the query.
  const DenoiserAttention& denoiser() const { return denoiser_; }
  // The same E[y | x] from the Diffusion lab's ideal denoiser (EmpiricalModel), for comparison.
  glm::dvec2 empiricalDenoised() const { return empirical_; }

  uint64_t revision() const { return revision_; }

 private:
  AttentionLab(AttentionSettings settings, Matrix tokens);  // a scene's tokens, as shown
  void rebuildProjections();
  Matrix projectionMatrix(const Projection& p, size_t width) const;
  AttentionResult compute(const Matrix& q, const Matrix& k, const Matrix& v,
                          const AttentionOptions& o);
  void recomputeField();
  void recomputeLink();
  void backendChanged() override;

  AttentionSettings s_;
  View2D camera_{{0.0, 0.0}, 5.0};
  VulkanKernel<GpuAttention> gpuAttention_;
  Matrix x_, wq_, wk_, wv_, q_, k_, v_, weights_, out_, compareA_, compareB_, compareDiff_;
  double performerError_ = 0.0;
  std::vector<double> entropies_;
  double computeMs_ = 0.0;
  int selected_ = 0, hoverRow_ = -1, hoverColumn_ = -1;
  std::vector<Arrow> field_;
  glm::dvec2 fieldLo_{-2.5, -1.8}, fieldHi_{2.5, 1.8};
  std::vector<SqrtDPoint> sqrtD_;
  uint64_t sqrtDSeed_ = 1;
  std::vector<double> ropeCurve_, ropeOnes_;
  double ropeShift_ = 0.0;
  std::vector<int> pendingSizes_;
  std::vector<CostPoint> costs_;
  DenoiserAttention denoiser_;
  glm::dvec2 empirical_{0.0};
  bool stale_ = true, fieldStale_ = true, linkStale_ = true;
  uint64_t revision_ = 1;
};

}  // namespace flowscope
