#pragma once
// A lab: one teaching topic as the shell (the GUI's frame, the CLI's scene and render commands)
// sees it. The lab is the single owner of its parameters (validating setters in each lab's own
// class), its simulation state and its scene files. Every lab implements this interface and sits
// in one list (LabList.h); the Lab menu and its shortcuts, --lab, the status line, the stats
// JSON, Open/Save scene, key routing, the camera reset and the CLI's scene and render come from
// that list, with no lab named in the shell.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "Backend.h"
#include "View2D.h"

namespace flowscope {

class GpuContext;

struct LabInfo {
  std::string id;        // --lab, the stats' "lab", default scene names: "diffusion"
  std::string title;     // the Lab menu and window title: "Diffusion & Flow"
  std::string sceneTag;  // a scene file's "lab" field: "gmm-diffusion"
};

// What one lab asks another to take over (the Transport lab's coupling as the Diffusion & Flow
// lab's flow coupling): the receiving lab's id and what it receives, in its words.
struct LabRequest {
  std::string lab;
  nlohmann::json content;
};

// Work a lab is doing off the frame, for the shell's progress indication.
struct LabProgress {
  std::string what;        // "Sinkhorn: eps 0.02 -> 0.01, 412 iterations, error 3.1e-03"
  double fraction = -1.0;  // 0..1 where the lab can tell, else < 0
};

class Lab {
 public:
  Lab() = default;
  Lab(const Lab&) = default;
  // Assigning a lab's state (openScene's "build the next, then take it") keeps the backend choice:
  // it belongs to the session, not to a scene.
  Lab& operator=(const Lab&) { return *this; }
  Lab& operator=(Lab&&) noexcept { return *this; }
  virtual ~Lab() = default;
  virtual const LabInfo& info() const = 0;

  // Scene files: {"flowscope_scene": 1, "lab": <sceneTag>, ...}, canonical when dumped with an
  // indent of 2: loading then saving gives the same bytes.
  virtual nlohmann::json sceneJson() const = 0;
  // Replaces the lab's state; throws InputError naming `source` and the field, changing nothing.
  virtual void openScene(const nlohmann::json& scene, const std::string& source) = 0;
  // What an edit changes, for undo: the scene without the camera (panning is not an edit) and
  // without what playback moves by itself (a lab with playback removes its position).
  virtual nlohmann::json editState() const {
    nlohmann::json j = sceneJson();
    j.erase("camera");
    return j;
  }

  // The size in pixels of the area the lab is drawn in, before update(): a lab that computes for
  // what is in view (the Attention lab's field) follows its camera there.
  virtual void setViewport(uint32_t width, uint32_t height) {
    (void)width;
    (void)height;
  }
  // The device the lab computes on (the viewport's adopted one, or the CLI's); null: the CPU.
  // What the lab made on the previous device is released, so call it with null (or destroy the
  // lab) before that device goes.
  virtual void useGpu(const GpuContext* gpu) { (void)gpu; }
  // Where the lab's heavy kernel families run (Backend.h): Auto (Vulkan on a GPU, the fast CPU
  // path where the device is a CPU and that path is faster), Gpu or Cpu; the shell's and the CLI's
  // --backend. What the lab computed on the other backend is recomputed at the next update().
  void setBackend(BackendChoice c) {
    if (c == backend_) return;
    backend_ = c;
    backendChanged();
  }
  BackendChoice backend() const { return backend_; }
  // What runs the lab's heavy work now, in words, for the status line and the stats' "compute":
  // "attention: fast CPU, float32 (OpenBLAS + Eigen, 2 threads)".
  virtual std::string computeBackend() const = 0;
  // Each frame, before drawing: animations advance by `seconds`, then update() recomputes what
  // the last edits made stale (InputError when the edited parameters cannot run; the lab keeps
  // what it shows).
  virtual void tick(double seconds) { (void)seconds; }
  virtual void update() {}
  // Brings what the lab shows up to date without a frame (the headless render): update(), and
  // for a lab with a run, the run advanced to the shown step, reporting progress(done, total).
  virtual void settle(const std::function<void(int, int)>& progress) {
    (void)progress;
    update();
  }

  // Heavy solves off the frame (the GUI turns this on): update() starts them on a worker thread
  // and takes their results on a later frame, the lab showing the previous result meanwhile and
  // progress() saying how far the solve is. Off (the default: the CLI, headless renders, tests),
  // update() computes in place. settle() waits for them either way.
  virtual void setBackgroundWork(bool on) { (void)on; }
  virtual std::optional<LabProgress> progress() const { return std::nullopt; }

  // The status line after the frame time and device, and the lab's keys in --stats JSON.
  virtual std::string status() const = 0;
  virtual void addStats(nlohmann::json& stats) const = 0;

  // Playback keys (Space, Right, Left, R): false when the lab has no playback, and the key is
  // then left unused.
  virtual bool togglePlay() { return false; }
  virtual bool stepPlayback(int delta) {
    (void)delta;
    return false;
  }
  virtual bool resetPlayback() { return false; }
  // The steps a scene can be shown at (0..sceneSteps(): the CLI's render --step), 0 for a lab
  // without; showStep() jumps there (InputError outside).
  virtual int sceneSteps() const { return 0; }
  virtual void showStep(int step);
  // The lab's animation, for videos (the CLI's render --video): shows its frame at fraction u of
  // [0, 1] and returns true, or false for a lab without one. animationFrames(): the frames the
  // whole animation has (0: as many as the frame rate and length ask).
  virtual bool showAnimation(double u) {
    (void)u;
    return false;
  }
  virtual int animationFrames() const { return 0; }

  virtual View2D& camera() = 0;
  virtual void resetCamera() = 0;  // Home: the lab's content fitted to the view

  // A request another lab made of this one (LabRequest); InputError, changing nothing, when it
  // cannot be taken. The default takes none.
  virtual void receive(const nlohmann::json& content);

 protected:
  // setBackend changed backend(): the lab re-places its kernels (VulkanKernel.h).
  virtual void backendChanged() {}

 private:
  BackendChoice backend_ = BackendChoice::Auto;
};

// The "lab" tag of a scene document (InputError naming the source when it has none).
std::string sceneTag(const nlohmann::json& scene, const std::string& source);
// The canonical text of a lab's scene (what Save writes), and writing it atomically (InputError
// naming the path).
std::string sceneText(const Lab& lab);
void saveScene(const Lab& lab, const std::string& path);

}  // namespace flowscope
