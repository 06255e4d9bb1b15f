#pragma once
// The Transport lab's two learned-dual modes, trained live towards a target step count:
//   critic  a Kantorovich-Rubinstein critic f between the source p and the target q (DualCritic),
//           beside the exact potential of W1: phi(x) = min_j |x - y_j| - v_j (the c-transform of
//           the exact solver's target potentials, euclidean cost; 1-Lipschitz, and
//           E_p phi - E_q phi = W1 exactly)
//   gan     a generator trained against a critic on the target cloud (Gan), the modes it covers
//           where the target is a mixture preset
// Training restarts from step 0 when the settings or the clouds change, so a scene (settings and
// points) always reproduces the same state.
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "Critic.h"
#include "ExactTransport.h"
#include "Gan.h"
#include "ScalarGrid.h"
#include "View2D.h"
#include "VulkanKernel.h"

namespace flowscope {

class GpuCritic;
class GpuContext;

struct CriticSettings {
  CriticSpec spec;
  int steps = 1500;  // the training target, 1..100,000
  bool operator==(const CriticSettings&) const = default;
};
struct GanSettings {
  GanSpec spec = defaultGanSpec();
  int iterations = 1000;            // the training target, 1..100,000
  static GanSpec defaultGanSpec();  // wgan with gp, batch 128, 2 x 64 networks
  bool operator==(const GanSettings&) const = default;
};
void validate(const CriticSettings& s);  // InputError naming the field ("critic steps: ...")
void validate(const GanSettings& s);

// The critic heatmap's grids over a view (row 0 at the top, as ScalarGrid): the critic's f shifted
// by a constant so its mean over the clouds equals the exact potential's, |grad f|, and phi.
struct CriticField {
  ScalarGrid critic, exact;
  std::vector<float> gradientNorm;
  float shift = 0.0f;  // added to the critic's f
};

class CriticDemo {
 public:
  CriticDemo();
  ~CriticDemo();
  // Where the Vulkan device is a GPU, the field is evaluated by the critic kernel; else (null, or
  // a CPU device) by the CPU twin.
  // The device and the backend choice: the field kernel runs on Vulkan where they put it there.
  void useGpu(const GpuContext* gpu, BackendChoice choice);
  void setBackend(BackendChoice choice);
  std::string fieldBackend() const;

  void syncCritic(const CriticSettings& s, const Measure& p, const Measure& q);
  void syncGan(const GanSettings& s, const Measure& data, GanModes modes);
  // Whether the GAN was started from these settings and data (syncGan would keep it).
  bool ganCurrent(const GanSettings& s, const Measure& data) const {
    return gan_ && ganSettings_ == s && data.points == gan_->data().points &&
           data.weights == gan_->data().weights;
  }
  // Trains the mode's model towards its target for at most budgetMs (<= 0: all the way). True
  // when it took a step.
  bool advance(bool gan, double budgetMs);
  bool finished(bool gan) const;

  const DualCritic* critic() const { return critic_.get(); }
  const Gan* gan() const { return gan_.get(); }
  const ExactResult& exact() const { return exact_; }
  double exactPotential(glm::dvec2 x) const;  // NaN without an exact solution

  // Critic mode: the critic and the exact potential; GAN mode: the critic's raw f only.
  CriticField field(bool gan, const View2D& view, int width, int height, int cellPixels) const;

 private:
  CriticMlpT<float>::Evaluation evaluate(const Critic& c, std::span<const glm::dvec2> x) const;

  std::optional<CriticSettings> criticSettings_;
  std::optional<GanSettings> ganSettings_;
  std::unique_ptr<DualCritic> critic_;  // it keeps the clouds it was started from
  std::unique_ptr<Gan> gan_;            // and the data
  ExactResult exact_;
  mutable VulkanKernel<GpuCritic> gpu_;  // a device handle; its buffers are a cache
};

}  // namespace flowscope
