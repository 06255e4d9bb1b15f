#include "Dataset.h"

// PNG decoding compiled into this file alone, with internal linkage, so the core links no
// image library (stb is header-only; the render library's libstb stays separate).
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "CsvFile.h"
#include "InputError.h"
#include "InputFile.h"
#include "Limits.h"
#include "Resources.h"
#include "Rng.h"

namespace flowscope {
namespace {

constexpr double kPi = std::numbers::pi;

std::string extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = char(std::tolower(c));
  return ext;
}

GaussianMixture grid25() {
  std::vector<MixtureComponent> comps;
  for (int i = -2; i <= 2; ++i)
    for (int j = -2; j <= 2; ++j) comps.push_back({1.0, {double(i), double(j)}, 0.01, 0.0, 0.01});
  return GaussianMixture(std::move(comps), "grid25");
}

}  // namespace

const ExactModel& Dataset::model() const {
  if (guided) return *guided;
  if (learned) return *learned;
  if (coupling) return *coupling;
  if (mixture) return *mixture;
  return *points;
}

std::vector<glm::dvec2> Dataset::sample(size_t n, uint64_t seed) const {
  if (mixture) return mixture->sample(n, seed);
  Pcg32 rng(seed, 11u);
  const auto& p = points->points();
  std::vector<glm::dvec2> out(n);
  for (auto& x : out) x = p[rng.next() % p.size()];
  return out;
}

glm::dvec2 Dataset::mean() const {
  if (mixture) return mixture->mean();
  glm::dvec2 m{0.0};
  for (const auto& p : points->points()) m += p;
  return m / double(points->points().size());
}

double Dataset::variance() const {
  if (mixture) {
    glm::dmat2 c = mixture->covariance();
    return 0.5 * (c[0][0] + c[1][1]);
  }
  glm::dvec2 m = mean();
  double v = 0.0;
  for (const auto& p : points->points()) v += glm::dot(p - m, p - m);
  return 0.5 * v / double(points->points().size());
}

double Dataset::logDensity(glm::dvec2 x, double s, double tau) const {
  if (coupling) return coupling->evaluate(x, s, tau).logp;
  if (mixture) return mixture->evaluate(x, s, tau).logp;
  return points->evaluate(x, s, tau).logp;
}

double Dataset::peakLogDensity(double s, double tau) const {
  double best = -INFINITY;
  if (coupling) {  // at the path points mu_k = s y_k + tau z_k
    const auto &z = coupling->noise(), &y = coupling->data();
    const size_t stride = std::max<size_t>(1, z.size() / 256);
    for (size_t k = 0; k < z.size(); k += stride)
      best = std::max(best, coupling->evaluate(s * y[k] + tau * z[k], s, tau).logp);
    return best;
  }
  if (mixture) {
    for (const auto& c : mixture->components())
      best = std::max(best, mixture->evaluate(s * c.mean, s, tau).logp);
    return best;
  }
  const auto& p = points->points();
  const size_t stride = std::max<size_t>(1, p.size() / 256);
  for (size_t i = 0; i < p.size(); i += stride)
    best = std::max(best, points->evaluate(s * p[i], s, tau).logp);
  return best;
}

DataSource DataSource::ofMixture(GaussianMixture m) {
  DataSource d;
  d.kind = Kind::Mixture;
  d.mixture = std::move(m);
  return d;
}

DataSource DataSource::ofPreset(const std::string& name) {
  DataSource d;
  d.kind = Kind::Preset;
  d.name = name;
  return d;
}

DataSource DataSource::named(const std::string& presetOrPath) {
  return isPreset(presetOrPath) ? ofPreset(presetOrPath) : ofFile(presetOrPath);
}

DataSource DataSource::ofFile(const std::string& path) {
  DataSource d;
  d.kind = Kind::File;
  d.name = path;
  return d;
}

DataSource DataSource::ofPoints(std::vector<glm::dvec2> points) {
  DataSource d;
  d.kind = Kind::Points;
  d.points = std::move(points);
  return d;
}

std::string DataSource::label() const {
  std::string base;
  switch (kind) {
    case Kind::Mixture:
      base = "mixture (" + std::to_string(mixture->components().size()) + " components)";
      break;
    case Kind::Preset:
      base = name;
      break;
    case Kind::File:
      base = std::filesystem::path(name).filename().string();
      break;
    case Kind::Points:
      base = std::to_string(points.size()) + " painted points";
      break;
  }
  return unitVariance ? base + ", unit variance" : base;
}

std::shared_ptr<const Dataset> resolve(const DataSource& source) {
  Dataset d;
  switch (source.kind) {
    case DataSource::Kind::Mixture:
      d.name = "mixture";
      d.mixture = *source.mixture;
      break;
    case DataSource::Kind::Preset:
    case DataSource::Kind::File:
      d = loadDataset(source.name);
      break;
    case DataSource::Kind::Points:
      d.name = "points";
      d.points.emplace(source.points, "painted points");
      break;
  }
  return std::make_shared<const Dataset>(source.unitVariance ? rescaledToUnitVariance(d)
                                                             : std::move(d));
}

nlohmann::json toJson(const DataSource& source) {
  nlohmann::json j;
  switch (source.kind) {
    case DataSource::Kind::Mixture:
      j = source.mixture->toJson();
      break;
    case DataSource::Kind::Preset:
      j = {{"type", "preset"}, {"name", source.name}};
      break;
    case DataSource::Kind::File:
      j = {{"type", "file"}, {"path", source.name}};
      break;
    case DataSource::Kind::Points: {
      j = {{"type", "points"}, {"points", nlohmann::json::array()}};
      for (const auto& p : source.points) j["points"].push_back({p.x, p.y});
      break;
    }
  }
  if (source.unitVariance) j["unit_variance"] = true;
  return j;
}

DataSource dataSourceFromJson(const nlohmann::json& j, const std::string& source,
                              const std::string& field) {
  auto fail = [&](const std::string& sub, const std::string& why) {
    throw InputError(source + ": field '" + field + (sub.empty() ? "" : "." + sub) + "': " + why);
  };
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    fail("type", "expected gmm, preset, file or points");
  const std::string type = j["type"];
  DataSource d;
  if (type == "gmm") {
    try {
      d = DataSource::ofMixture(GaussianMixture::fromJson(j, source));
    } catch (const InputError& e) {
      std::string why = e.what(), prefix = source + ": field '";
      if (why.rfind(prefix, 0) == 0)
        throw InputError(prefix + field + "." + why.substr(prefix.size()));
      throw;
    }
  } else if (type == "preset") {
    if (!j.contains("name") || !j["name"].is_string()) fail("name", "expected a preset name");
    d = DataSource::ofPreset(j["name"]);
    if (!isPreset(d.name)) fail("name", "unknown preset '" + d.name + "'");
  } else if (type == "file") {
    if (!j.contains("path") || !j["path"].is_string()) fail("path", "expected a file path");
    d = DataSource::ofFile(j["path"]);
  } else if (type == "points") {
    if (!j.contains("points") || !j["points"].is_array() || j["points"].empty())
      fail("points", "expected [[x, y], ...]");
    std::vector<glm::dvec2> pts;
    for (size_t i = 0; i < j["points"].size(); ++i) {
      const auto& p = j["points"][i];
      const std::string at = "points[" + std::to_string(i) + "]";
      if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
        fail(at, "expected [x, y]");
      pts.push_back({p[0].get<double>(), p[1].get<double>()});
      try {
        requirePoint("point", pts.back().x, pts.back().y);
      } catch (const InputError& e) {
        fail(at, std::string(e.what()).substr(7));
      }
    }
    d = DataSource::ofPoints(std::move(pts));
  } else {
    fail("type", "unknown '" + type + "' (valid: gmm, preset, file, points)");
  }
  if (j.contains("unit_variance")) {
    if (!j["unit_variance"].is_boolean()) fail("unit_variance", "expected true or false");
    d.unitVariance = j["unit_variance"];
  }
  return d;
}

const std::vector<std::string>& presetNames() {
  static const std::vector<std::string> names = {"gmm8",         "grid25", "moons",  "swissroll",
                                                 "checkerboard", "rings",  "spiral", "pinwheel"};
  return names;
}

bool isPreset(const std::string& name) {
  return std::find(presetNames().begin(), presetNames().end(), name) != presetNames().end();
}

const std::vector<std::string>& shippedImages() {
  static const std::vector<std::string> images = {"assets:images/smiley.png",
                                                  "assets:images/flow.png"};
  return images;
}

std::vector<int> presetLabels(const std::string& name, int n) {
  if (name == "gmm8") return GaussianMixture::ring().labels();  // the ring's own (n = 8)
  std::vector<int> out;
  if (name == "grid25" || name == "moons" || name == "rings" || name == "spiral")
    for (int i = 0; i < n; ++i) out.push_back(name == "grid25" ? (i / 5 + i % 5) % 2 : i % 2);
  return out;
}

std::vector<glm::dvec2> presetPoints(const std::string& name, int n, uint64_t seed) {
  Pcg32 rng(seed, 3u);
  std::vector<glm::dvec2> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    glm::dvec2 p;
    if (name == "moons") {
      double th = kPi * rng.uniform();
      p = i % 2 ? glm::dvec2(std::cos(th), std::sin(th))
                : glm::dvec2(1.0 - std::cos(th), 0.5 - std::sin(th));
      p = 1.5 * (p - glm::dvec2(0.5, 0.25) + 0.05 * glm::dvec2(rng.normal(), rng.normal()));
    } else if (name == "swissroll") {
      double t = 1.5 * kPi * (1.0 + 2.0 * u);
      p = glm::dvec2(t * std::cos(t), t * std::sin(t)) / 5.0 +
          0.05 * glm::dvec2(rng.normal(), rng.normal());
    } else if (name == "checkerboard") {
      int cell = int(rng.next() % 8);  // 8 dark squares of a 4 x 4 board
      int row = cell / 2, col = 2 * (cell % 2) + (row % 2);
      p = glm::dvec2(-2.0 + col + rng.uniform(), -2.0 + row + rng.uniform());
    } else if (name == "rings") {
      double th = 2.0 * kPi * u;
      p = (i % 2 ? 2.0 : 1.0) * glm::dvec2(std::cos(th), std::sin(th)) +
          0.05 * glm::dvec2(rng.normal(), rng.normal());
    } else if (name == "spiral") {
      double th = std::sqrt(rng.uniform()) * 3.0 * kPi;
      p = (i % 2 ? 1.0 : -1.0) * (th / (1.5 * kPi)) * glm::dvec2(std::cos(th), std::sin(th)) +
          0.05 * glm::dvec2(rng.normal(), rng.normal());
    } else if (name == "pinwheel") {
      const int k = int(rng.next() % 5);
      glm::dvec2 f(0.3 * rng.normal() + 1.0, 0.1 * rng.normal());
      double angle = 2.0 * kPi * k / 5.0 + 0.25 * std::exp(f.x);
      p = 1.5 * glm::dvec2(std::cos(angle) * f.x - std::sin(angle) * f.y,
                           std::sin(angle) * f.x + std::cos(angle) * f.y);
    } else {
      throw InputError("data: unknown preset '" + name + "'");
    }
    out.push_back(p);
  }
  return out;
}

std::vector<glm::dvec2> readPointsCsv(const std::string& path, std::vector<int>* labels) {
  CsvSpec spec;
  spec.header = {"x", "y"};
  if (labels) spec.orHeader = {"x", "y", "label"};
  spec.maxRows = EmpiricalModel::kMaxPoints;
  const NumericCsv csv = readNumericCsv(path, spec);
  const bool labelled = csv.cols == 3;
  std::vector<glm::dvec2> points(csv.rows());
  for (size_t i = 0; i < points.size(); ++i) points[i] = {csv.at(i, 0), csv.at(i, 1)};
  if (labels) labels->clear();
  for (size_t i = 0; labelled && i < points.size(); ++i) {
    const double l = csv.at(i, 2);
    if (!(l == std::floor(l) && l >= 0.0 && l < GaussianMixture::kMaxClasses))
      throw InputError(path + ": line " + std::to_string(csv.lines[i]) +
                       ", column 3 (label): a class between 0 and " +
                       std::to_string(GaussianMixture::kMaxClasses - 1));
    labels->push_back(int(l));
  }
  return points;
}

std::vector<glm::dvec2> readDensityPng(const std::string& path, int n, uint64_t seed) {
  const GrayPng png = readGrayPng(path);
  const int w = png.width, h = png.height;
  std::vector<double> cdf(png.pixels.size());
  double total = 0.0;
  for (size_t i = 0; i < cdf.size(); ++i) cdf[i] = total += 255.0 - png.pixels[i];  // dark = mass
  if (!(total > 0.0))
    throw InputError(path + ": the image is blank (no dark pixels to use as density)");
  Pcg32 rng(seed, 5u);
  std::vector<glm::dvec2> points(n);
  const double scale = 4.0 / w;  // width maps to [-2, 2]
  for (auto& p : points) {
    size_t i = std::lower_bound(cdf.begin(), cdf.end(), rng.uniform() * total) - cdf.begin();
    double px = double(i % w) + rng.uniform(), py = double(i / w) + rng.uniform();
    p = {(px - 0.5 * w) * scale, (0.5 * h - py) * scale};
  }
  return points;
}

GrayPng readGrayPng(const std::string& path) {
  const std::string bytes = readInputFile(path);
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int size = int(bytes.size());
  GrayPng g;
  int channels = 0;
  if (!stbi_info_from_memory(data, size, &g.width, &g.height, &channels))
    throw InputError(path + ": cannot read PNG (" + std::string(stbi_failure_reason()) + ")");
  if (g.width > kMaxPngSide || g.height > kMaxPngSide)
    throw InputError(path + ": the image is " + std::to_string(g.width) + " x " +
                     std::to_string(g.height) + " pixels; at most " + std::to_string(kMaxPngSide) +
                     " a side");
  unsigned char* pixels = stbi_load_from_memory(data, size, &g.width, &g.height, &channels, 1);
  if (!pixels)
    throw InputError(path + ": cannot read PNG (" + std::string(stbi_failure_reason()) + ")");
  g.pixels.assign(pixels, pixels + size_t(g.width) * g.height);
  stbi_image_free(pixels);
  return g;
}

Dataset loadDataset(const std::string& requested) {
  const std::string nameOrPath = resolveAsset(requested);
  Dataset d;
  d.name = requested;
  if (nameOrPath == "gmm8") {
    d.mixture = GaussianMixture::ring();  // with its four classes
  } else if (nameOrPath == "grid25") {
    d.mixture = grid25();
    d.mixture->setLabels(presetLabels(nameOrPath, 25));
  } else if (isPreset(nameOrPath)) {
    d.points.emplace(presetPoints(nameOrPath, kPresetPoints, 0), nameOrPath);
    d.pointLabels = presetLabels(nameOrPath, kPresetPoints);
  } else if (extension(nameOrPath) == ".json") {
    d.mixture = GaussianMixture::load(nameOrPath);
  } else if (extension(nameOrPath) == ".csv") {
    d.points.emplace(readPointsCsv(nameOrPath, &d.pointLabels), nameOrPath);
  } else if (extension(nameOrPath) == ".png") {
    d.points.emplace(readDensityPng(nameOrPath, kPresetPoints, 0), nameOrPath);
  } else {
    std::string names;
    for (const auto& p : presetNames()) names += (names.empty() ? "" : ", ") + p;
    throw InputError("data: '" + nameOrPath + "' is neither a preset (" + names +
                     ") nor a .json, .csv or .png file");
  }
  return d;
}

int Dataset::classCount() const {
  if (mixture) return mixture->classCount();
  return pointLabels.empty() ? 0 : *std::max_element(pointLabels.begin(), pointLabels.end()) + 1;
}

Dataset rescaledToUnitVariance(const Dataset& data) {
  const double k = 1.0 / std::sqrt(data.variance());
  Dataset out;
  out.name = data.name;
  out.scale = data.scale * k;
  if (data.mixture) {
    std::vector<MixtureComponent> comps = data.mixture->components();
    for (auto& c : comps) {
      c.mean *= k;
      c.a *= k * k;
      c.b *= k * k;
      c.c *= k * k;
    }
    out.mixture.emplace(std::move(comps), data.name);
    out.mixture->setLabels(data.mixture->labels(), data.name);
  } else {
    std::vector<glm::dvec2> pts = data.points->points();
    for (auto& p : pts) p *= k;
    out.points.emplace(std::move(pts), data.name);
    out.pointLabels = data.pointLabels;
  }
  return out;
}

}  // namespace flowscope
