#pragma once
// Datasets of the Diffusion & Flow lab. Mixtures (gmm8, grid25, JSON files) have closed forms;
// point clouds (the other presets, CSV files, PNG densities, painted points) use the empirical
// ideal denoiser. Either way the model is exact: no training.
//
// Presets (2-D, roughly unit scale; point clouds have kPresetPoints points from a fixed seed):
//   gmm8        8 anisotropic Gaussians on a ring of radius 2.5 (the default scene's data)
//   grid25      25 isotropic Gaussians (std 0.1) on the grid {-2..2}^2
//   moons       two interleaved half circles, noise 0.05 (scikit-learn's make_moons)
//   swissroll   the 2-D Swiss roll (x, z) of make_swiss_roll, scaled by 1/5
//   checkerboard  uniform on the dark squares of a 4 x 4 board on [-2, 2]^2
//   rings       two concentric circles, radii 1 and 2, noise 0.05
//   spiral      two interleaved Archimedean spirals
//   pinwheel    5 curved radial blades (FFJORD's pinwheel)
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "CouplingModel.h"
#include "EmpiricalModel.h"
#include "GaussianMixture.h"

namespace flowscope {

struct Dataset {
  std::string name;                        // preset name or file path
  std::optional<GaussianMixture> mixture;  // closed-form data
  std::optional<EmpiricalModel> points;    // a finite dataset
  double scale = 1.0;                      // factor applied when rescaled to unit variance
  // A flow-matching coupling's velocity model (CouplingModel.h), attached for flow runs: when
  // present it is the model; sample(), mean() and variance() still describe the data.
  std::optional<CouplingModel> coupling;
  // A learned model (a trained network, train/LearnedModel.h) attached: when present it is the
  // model the samplers and fields evaluate, and the rest still describes the data (its density
  // stays the heatmap's, its samples the metrics' reference).
  std::shared_ptr<const ExactModel> learned;
  std::string learnedName;  // for captions: the weights file
  // A point cloud's class labels, one per point (a CSV's label column), or none. A mixture's are
  // its components' (GaussianMixture::labels).
  std::vector<int> pointLabels;
  // A guided model (diffusion/Guidance.h, withGuidance): when present it is the model, built from
  // the rest (conditional and unconditional parts); the rest still describes the data.
  std::shared_ptr<const ExactModel> guided;

  // The number of classes (the largest label + 1), 0 for unlabelled data.
  int classCount() const;

  const ExactModel& model() const;
  // Fresh samples of the data distribution (for metrics), seeded.
  std::vector<glm::dvec2> sample(size_t n, uint64_t seed) const;
  glm::dvec2 mean() const;
  // Total variance (trace of the covariance / 2 per axis averaged): the unit-variance scale.
  double variance() const;
  // The highest log density of x = s x0 + tau eps (at a component mean or a data point): the top
  // of the heatmap's colour range.
  double peakLogDensity(double s, double tau) const;
  // The log density of x = s x0 + tau eps at `x`.
  double logDensity(glm::dvec2 x, double s, double tau) const;
};

// Point clouds have no density at tau = 0; their "data" heatmap and fields use this bandwidth.
inline constexpr double kPointCloudBandwidth = 0.05;

// Where a dataset comes from, as scene files store it:
//   {"type": "gmm", "weights": ..., "means": ..., "covariances": ...}   a mixture, inline
//   {"type": "preset", "name": "moons"}                                  a preset
//   {"type": "file", "path": "cloud.csv"}                                a .json, .csv or .png file
//   {"type": "points", "points": [[x, y], ...]}                          points (e.g. painted)
// each with an optional "unit_variance": true (rescaled about the origin to variance 1 per axis).
struct DataSource {
  enum class Kind { Mixture, Preset, File, Points };
  Kind kind = Kind::Mixture;
  std::string name;  // preset name or file path
  std::optional<GaussianMixture> mixture;
  std::vector<glm::dvec2> points;
  bool unitVariance = false;

  static DataSource ofMixture(GaussianMixture m);
  static DataSource ofPreset(const std::string& name);
  static DataSource ofFile(const std::string& path);
  // A preset by its name, else a file by its path (what --data and scene fields take).
  static DataSource named(const std::string& presetOrPath);
  static DataSource ofPoints(std::vector<glm::dvec2> points);
  std::string label() const;  // for the UI
};

// Loads what the source names; throws InputError naming the file, line or field.
std::shared_ptr<const Dataset> resolve(const DataSource& source);
nlohmann::json toJson(const DataSource& source);
// `source` names the file for messages, `field` the JSON path of the object ("data").
DataSource dataSourceFromJson(const nlohmann::json& j, const std::string& source,
                              const std::string& field);

inline constexpr int kPresetPoints = 2000;
const std::vector<std::string>& presetNames();
bool isPreset(const std::string& name);
// The density images that ship, as "assets:images/<name>.png".
const std::vector<std::string>& shippedImages();
// A preset name, or a .json (mixture), .csv (header x,y) or .png (density) file; a path that
// starts with "assets:" is relative to the asset root (the images that ship: assets:images/*.png).
// Throws InputError naming the file, line or field.
Dataset loadDataset(const std::string& nameOrPath);
// Rescaled about the origin so the per-axis variance is 1 (mixtures and points alike).
Dataset rescaledToUnitVariance(const Dataset& data);
std::vector<glm::dvec2> presetPoints(const std::string& name, int n, uint64_t seed);
// The presets' classes (none for the others), one per component or point of `n`:
//   gmm8    4 classes, adjacent pairs of the ring (components 2k, 2k+1: class k)
//   grid25  2 classes coloured like a checkerboard ((i + j) mod 2)
//   moons, rings, spiral   2 classes: the two moons, the inner/outer ring, the two arms
std::vector<int> presetLabels(const std::string& name, int n);
// Header x,y; coordinates within limits::kMaxCoordinate; at most EmpiricalModel::kMaxPoints rows.
// With `labels`, the header may be x,y,label: integer classes 0..63, one a row, into *labels
// (left empty for x,y).
std::vector<glm::dvec2> readPointsCsv(const std::string& path, std::vector<int>* labels = nullptr);
// Points drawn from a grayscale PNG read as a density (dark = more mass), in [-2, 2] x [-2h/w,
// 2h/w].
std::vector<glm::dvec2> readDensityPng(const std::string& path, int n, uint64_t seed);
// A PNG's gray values (0..255, row-major, alpha ignored); InputError naming the path, also for
// images above kMaxPngSide pixels a side.
inline constexpr int kMaxPngSide = 8192;
struct GrayPng {
  int width = 0, height = 0;
  std::vector<unsigned char> pixels;
};
GrayPng readGrayPng(const std::string& path);

}  // namespace flowscope
