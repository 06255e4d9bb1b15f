#pragma once
// The Receptive Field lab's state: the architecture being edited (a preset, a JSON file, or the
// panel's edits), its receptive-field table, the input image, the selected layer with the hovered
// and pinned units, and the effective receptive field of the pinned unit with its statistics and
// the sqrt(depth) lesson. Setters validate (InputError, the lab unchanged); update() recomputes
// what the last edits made stale, on the GPU when the lab has one (GpuReceptiveField), else with
// the CPU twin. Conventions: ReceptiveField.h. In the plane, input pixel (row, col) sits at world
// (col, -row): the image reads top to bottom as on screen.
#include <memory>
#include <string>
#include <vector>

#include "Lab.h"
#include "ReceptiveField.h"
#include "View2D.h"
#include "VulkanKernel.h"

namespace flowscope {

class GpuContext;
class GpuReceptiveField;

// Where a layer sits: {i} a top-level layer; {i, b, j} layer j of branch b of block i; ...
using LayerPath = std::vector<int>;

struct RfLabSettings {
  std::string image = "assets:images/shapes.png";
  std::string weightsPath;  // the taps file of RfWeights::Loaded
  bool erfOnImage = false;  // the forward pass's input: the image (standardised) or noise
  bool showErf = true, showGrid = true, showGrowth = false;
  float erfOpacity = 0.85f;
};

struct RfScene;

class RfLab : public Lab {
 public:
  RfLab();
  ~RfLab() override;
  RfLab(RfLab&&) noexcept;
  RfLab& operator=(RfLab&&) noexcept;
  void useGpu(const GpuContext* gpu) override;

  // The Lab interface: scene files (RfScene.h), status and stats, the camera.
  const LabInfo& info() const override;
  nlohmann::json sceneJson() const override;
  void openScene(const nlohmann::json& scene, const std::string& source) override;
  std::string status() const override;
  void addStats(nlohmann::json& stats) const override;
  // The lab as shown, and replacing it (validates first; InputError changes nothing).
  RfScene snapshot() const;
  void replaceScene(const RfScene& scene);
  bool onGpu() const { return bool(gpuErf_); }
  std::string computeBackend() const override;

  const Architecture& architecture() const { return arch_; }
  const RfTable& table() const { return table_; }
  const RfLabSettings& settings() const { return s_; }
  const ErfOptions& erfOptions() const { return erf_; }
  View2D& camera() override { return camera_; }
  // Remembered for resetCamera, which fits the content to this area.
  void setViewport(uint32_t width, uint32_t height) override { viewport_ = {width, height}; }
  const View2D& camera() const { return camera_; }

  // Validating setters (InputError; the lab is unchanged when they throw).
  void loadArchitecture(const std::string& presetOrPath);
  void saveArchitecture(const std::string& path) const;
  void setInputSize(int height, int width);
  void replaceLayer(const LayerPath& path, const RfLayer& layer);
  void insertLayer(const LayerPath& path, const RfLayer& layer);  // before path (or at the end)
  void removeLayer(const LayerPath& path);
  void moveLayer(const LayerPath& path, int delta);
  void addBranch(const LayerPath& block);
  void setImage(const std::string& path);
  void selectLayer(const std::string& name);
  void setHover(int row, int col) { hoverRow_ = row, hoverCol_ = col; }
  void clearHover() { hoverRow_ = hoverCol_ = -1; }
  void pinUnit(int row, int col);
  void setWeights(RfWeights w, const std::string& loadedPath = "");
  void setRelu(bool on);
  void setSeeds(int seeds);
  void setErfOnImage(bool on);
  void setShowErf(bool on) { s_.showErf = on; }
  void setShowGrid(bool on) { s_.showGrid = on; }
  void setShowGrowth(bool on);
  void setErfOpacity(float a) { s_.erfOpacity = a; }
  void resetCamera() override;

  void update() override;

  const std::string& selected() const { return erf_.layer; }
  const RfRow* selectedRow() const { return table_.find(erf_.layer); }
  int hoverRow() const { return hoverRow_; }
  int hoverCol() const { return hoverCol_; }
  // The unit of the last computed ERF: the pinned one, or the selected layer's centre unit.
  std::pair<int, int> erfUnit() const { return {result_.unitRow, result_.unitCol}; }
  // The unit of the selected layer nearest to input coordinate (row, col), clamped to the grid.
  std::pair<int, int> unitNear(double row, double col) const;

  const std::vector<float>& image() const { return image_; }  // H x W, gray in [0, 1]
  const ErfResult& erf() const { return result_; }
  const ErfStats& stats() const { return stats_; }
  const std::vector<RfGrowthPoint>& growth() const { return growth_; }
  GrowthFit sqrtFit() const { return fitSqrtDepth(growth_); }
  GrowthFit linearFit() const { return fitLinearDepth(growth_); }
  double computeMs() const { return result_.computeMs; }
  const std::string& note() const { return note_; }  // e.g. layers given uniform weights
  uint64_t revision() const { return revision_; }    // of the image and the ERF

 private:
  void backendChanged() override;
  explicit RfLab(const RfScene& scene);
  void commit(Architecture a);
  ErfResult runErf(const Architecture& a, const ErfOptions& o);
  ErfOptions erfInput(ErfOptions o) const;

  Architecture arch_;
  RfTable table_;
  RfLabSettings s_;
  ErfOptions erf_;
  View2D camera_;
  glm::uvec2 viewport_{1280, 800};          // the area the camera maps (setViewport)
  VulkanKernel<GpuReceptiveField> gpuErf_;  // where backend() puts the ERF on Vulkan
  std::vector<float> image_;
  ErfResult result_;
  ErfStats stats_;
  std::vector<RfGrowthPoint> growth_;
  std::string note_;
  int hoverRow_ = -1, hoverCol_ = -1;
  bool erfStale_ = true, growthStale_ = true, imageStale_ = true;
  uint64_t revision_ = 1;
};

}  // namespace flowscope
