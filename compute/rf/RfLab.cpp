#include "RfLab.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "InputError.h"
#include "JsonReader.h"
#include "ReceptiveFieldKernel.h"
#include "RfScene.h"

namespace flowscope {

RfLab::RfLab() {
  commit(rfPreset("vgg16"));
  selectLayer("conv3_3");
}

RfLab::RfLab(const RfScene& scene) {
  s_ = scene.settings;
  commit(scene.architecture);  // validates; reads the image at the architecture's size
  selectLayer(scene.layer);
  if (scene.unitRow != -1 || scene.unitCol != -1) pinUnit(scene.unitRow, scene.unitCol);
  setWeights(scene.weights, scene.settings.weightsPath);
  setRelu(scene.relu);
  setSeeds(scene.seeds);
  erf_.seed = scene.seed;
  camera_ = scene.camera;
}

RfLab::~RfLab() = default;
RfLab::RfLab(RfLab&&) noexcept = default;
RfLab& RfLab::operator=(RfLab&&) noexcept = default;

const LabInfo& describeRfLab() {
  static const LabInfo info{"rf", "Receptive Field", "receptive-field"};
  return info;
}

std::unique_ptr<Lab> makeRfLab() {
  return std::make_unique<RfLab>();
}

const LabInfo& RfLab::info() const {
  return describeRfLab();
}

RfScene RfLab::snapshot() const {
  return {arch_,        s_,        erf_.layer, erf_.unitRow, erf_.unitCol,
          erf_.weights, erf_.relu, erf_.seeds, erf_.seed,    camera_};
}

void RfLab::replaceScene(const RfScene& scene) {
  RfLab next(scene);
  // The device and its kernels carry over; nothing of this lab changed before here.
  next.gpuErf_ = std::move(gpuErf_);
  *this = std::move(next);
}

nlohmann::json RfLab::sceneJson() const {
  return rfSceneToJson(snapshot());
}

void RfLab::openScene(const nlohmann::json& scene, const std::string& source) {
  const RfScene parsed = rfSceneFromJson(scene, source);
  JsonReader(source).applySection("receptive_field", [&] { replaceScene(parsed); });
}

std::string RfLab::status() const {
  const auto [row, col] = erfUnit();
  char buf[240];
  std::snprintf(buf, sizeof(buf),
                "Receptive Field: %s / %s, size %lld, ERF of unit (%d, %d) in %.2f ms",
                arch_.name.c_str(), selected().c_str(),
                selectedRow() ? (long long)selectedRow()->out.size : 0LL, row, col, computeMs());
  return buf;
}

void RfLab::addStats(nlohmann::json& stats) const {
  stats["rf_architecture"] = arch_.name;
  stats["rf_layer"] = selected();
  stats["rf_size"] = selectedRow() ? double(selectedRow()->out.size) : 0.0;
  stats["rf_erf_spread"] = stats_.spread;
  stats["rf_erf_area95"] = stats_.area95;
  stats["rf_erf_ms"] = computeMs();
  stats["rf_on_gpu"] = onGpu();
}

void RfLab::useGpu(const GpuContext* gpu) {
  if (gpuErf_.place(gpu, backend())) erfStale_ = growthStale_ = true;
}

void RfLab::backendChanged() {
  if (gpuErf_.place(backend())) erfStale_ = growthStale_ = true;
}

std::string RfLab::computeBackend() const {
  return "effective receptive field: " +
         (gpuErf_ ? gpuErf_.describe() + ", float32" : "CPU twin, double (every core)");
}

// Every architecture edit ends here: validated as a whole, then the table, the selection (kept
// when its layer survives) and the image size follow.
void RfLab::commit(Architecture a) {
  RfTable table = receptiveFields(a);  // validates; its rows point into a's layers, which the
                                       // move below hands over to arch_ unmoved in memory
  const bool resized = a.height != arch_.height || a.width != arch_.width || image_.empty();
  if (resized) image_ = readGrayImage(s_.image, a.height, a.width);
  arch_ = std::move(a);
  table_ = std::move(table);
  if (!table_.find(erf_.layer)) {
    erf_.layer = table_.rows.empty() ? "" : table_.rows.back().name;  // the last top-level layer
    erf_.unitRow = erf_.unitCol = -1;
  }
  if (const RfRow* row = selectedRow())
    if (erf_.unitRow >= row->out.unitsH || erf_.unitCol >= row->out.unitsW)
      erf_.unitRow = erf_.unitCol = -1;
  if (resized) resetCamera();
  erfStale_ = growthStale_ = true;
  ++revision_;
}

void RfLab::resetCamera() {
  // The image as large as the content area allows (the panel and table are docked beside it),
  // lifted to leave the captions and ERF colour bar room below.
  const glm::dvec2 lo(-0.5, 0.5 - double(arch_.height)), hi(arch_.width - 0.5, 0.5);
  camera_ = View2D::fitting(lo, hi, int(viewport_.x), int(viewport_.y), 0.06);
  camera_.height *= 1.0 / 0.7;  // the image over the top 70%, the captions under it
  camera_.center.y -= 0.12 * camera_.height;
}

void RfLab::loadArchitecture(const std::string& presetOrPath) {
  commit(flowscope::loadArchitecture(presetOrPath));
}

void RfLab::saveArchitecture(const std::string& path) const {
  flowscope::saveArchitecture(arch_, path);
}

void RfLab::setInputSize(int height, int width) {
  Architecture a = arch_;
  a.height = height, a.width = width;
  commit(a);
}

namespace {
// The list of layers that holds `path`'s last index (const or not, like `a`).
template <typename A>
auto& listIn(A& a, const LayerPath& path) {
  if (path.empty() || path.size() % 2 == 0) throw InputError("layer path: malformed");
  auto* list = &a.layers;
  for (size_t i = 0; i + 1 < path.size(); i += 2) {
    if (path[i] < 0 || size_t(path[i]) >= list->size()) throw InputError("layer path: no layer");
    auto& block = (*list)[path[i]];
    if (path[i + 1] < 0 || size_t(path[i + 1]) >= block.branches.size())
      throw InputError("layer path: no branch");
    list = &block.branches[path[i + 1]];
  }
  return *list;
}
}  // namespace

void RfLab::replaceLayer(const LayerPath& path, const RfLayer& layer) {
  Architecture a = arch_;
  std::vector<RfLayer>& list = listIn(a, path);
  if (path.back() < 0 || size_t(path.back()) >= list.size())
    throw InputError("layer path: no layer");
  const std::string before = list[path.back()].name;
  list[path.back()] = layer;
  commit(a);
  if (erf_.layer == before && before != layer.name) selectLayer(layer.name);
}

void RfLab::insertLayer(const LayerPath& path, const RfLayer& layer) {
  Architecture a = arch_;
  std::vector<RfLayer>& list = listIn(a, path);
  const size_t at = std::clamp<size_t>(size_t(std::max(path.back(), 0)), 0, list.size());
  list.insert(list.begin() + at, layer);
  commit(a);
}

void RfLab::removeLayer(const LayerPath& path) {
  Architecture a = arch_;
  std::vector<RfLayer>& list = listIn(a, path);
  if (path.back() < 0 || size_t(path.back()) >= list.size())
    throw InputError("layer path: no layer");
  if (path.size() == 1 && list.size() == 1)
    throw InputError("architecture: the last layer cannot be removed");
  list.erase(list.begin() + path.back());
  commit(a);
}

void RfLab::moveLayer(const LayerPath& path, int delta) {
  Architecture a = arch_;
  std::vector<RfLayer>& list = listIn(a, path);
  const int from = path.back(), to = from + delta;
  if (from < 0 || to < 0 || size_t(from) >= list.size() || size_t(to) >= list.size()) return;
  std::swap(list[from], list[to]);
  commit(a);
}

void RfLab::addBranch(const LayerPath& block) {
  Architecture a = arch_;
  std::vector<RfLayer>& list = listIn(a, block);
  RfLayer& l = list.at(size_t(block.back()));
  if (l.type != RfLayerType::Parallel) throw InputError("layer '" + l.name + "': not a block");
  l.branches.emplace_back();
  commit(a);
}

void RfLab::setImage(const std::string& path) {
  image_ = readGrayImage(path, arch_.height, arch_.width);
  s_.image = path;
  if (s_.erfOnImage) erfStale_ = growthStale_ = true;
  ++revision_;
}

void RfLab::selectLayer(const std::string& name) {
  if (!table_.find(name)) throw InputError("layer '" + name + "': not in the architecture");
  if (name == erf_.layer) return;
  erf_.layer = name;
  erf_.unitRow = erf_.unitCol = -1;  // its centre unit
  erfStale_ = true;
}

void RfLab::pinUnit(int row, int col) {
  const RfRow* r = selectedRow();
  if (!r || row < 0 || col < 0 || row >= r->out.unitsH || col >= r->out.unitsW)
    throw InputError("unit (" + std::to_string(row) + ", " + std::to_string(col) +
                     "): outside the selected layer");
  if (row == erf_.unitRow && col == erf_.unitCol) return;
  erf_.unitRow = row, erf_.unitCol = col;
  erfStale_ = true;
}

std::pair<int, int> RfLab::unitNear(double row, double col) const {
  const RfRow* r = selectedRow();
  if (!r) return {0, 0};
  const double j = double(r->out.jump);
  return {std::clamp(int(std::lround((row - r->out.start) / j)), 0, r->out.unitsH - 1),
          std::clamp(int(std::lround((col - r->out.start) / j)), 0, r->out.unitsW - 1)};
}

void RfLab::setWeights(RfWeights w, const std::string& loadedPath) {
  RfWeightFile loaded;
  if (w == RfWeights::Loaded) loaded = readRfWeights(loadedPath, arch_);
  erf_.weights = w;
  erf_.loaded = std::move(loaded);
  s_.weightsPath = w == RfWeights::Loaded ? loadedPath : "";
  erfStale_ = growthStale_ = true;
}

void RfLab::setRelu(bool on) {
  erf_.relu = on;
  erfStale_ = growthStale_ = true;
}

void RfLab::setSeeds(int seeds) {
  if (seeds < 1 || seeds > 64) throw InputError("seeds: must be in 1..64");
  erf_.seeds = seeds;
  erfStale_ = growthStale_ = true;
}

void RfLab::setErfOnImage(bool on) {
  s_.erfOnImage = on;
  erfStale_ = growthStale_ = true;
}

void RfLab::setShowGrowth(bool on) {
  s_.showGrowth = on;
}

ErfOptions RfLab::erfInput(ErfOptions o) const {
  if (s_.erfOnImage) o.image = image_;  // standardised by the forward pass
  return o;
}

ErfResult RfLab::runErf(const Architecture& a, const ErfOptions& o) {
  return gpuErf_ ? gpuErf_->run(a, o) : effectiveReceptiveFieldCpu(a, o);
}

void RfLab::update() {
  if (erfStale_) {
    erfStale_ = false;
    const ErfOptions o = erfInput(erf_);
    result_ = runErf(arch_, o);
    stats_ = erfStats(result_);
    const auto& defaulted = result_.defaulted;
    note_.clear();
    if (!defaulted.empty())
      note_ = std::to_string(defaulted.size()) +
              " convolution(s) not in the weights file use "
              "uniform weights (e.g. '" +
              defaulted.front() + "')";
    if (stats_.mass == 0.0)
      note_ =
          "the gradient vanished: every path died at a ReLU (one channel per layer: a "
          "negative 1x1 weight after a ReLU silences its path); more seeds or ReLU off";
    ++revision_;
  }
  if (s_.showGrowth && growthStale_) {
    growthStale_ = false;
    const ErfOptions o = erfInput(erf_);
    growth_ = rfGrowth(arch_, o,
                       [this](const Architecture& a, const ErfOptions& e) { return runErf(a, e); });
  }
}

}  // namespace flowscope
