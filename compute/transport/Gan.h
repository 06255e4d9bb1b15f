#pragma once
// A 2-D GAN in the spirit of GAN Lab: a generator G (2-D standard normal noise -> points, the
// engine's FastCpuMlp) trained against a Critic (Critic.h) on a data cloud. An iteration is
// `criticSteps` critic updates on data and generated minibatches, then `generatorSteps`
// generator updates minimising
//   wgan      L_G = -mean f(G(z))                   (the critic: wasserstein loss + its method)
//   original  L_G = mean softplus(-f(G(z))) = -mean log D(G(z)), the non-saturating loss of the
//             original GAN (the critic: logistic loss, no Lipschitz constraint)
// Each generated sample's push is -dL_G/dx (batch-mean factor left out): +grad f for wgan,
// sigmoid(-f) grad f for the original loss.
#include <glm/glm.hpp>

#include <span>
#include <string>
#include <vector>

#include "Critic.h"
#include "FastCpuMlp.h"

namespace flowscope {

enum class GanLoss { Original, Wasserstein };
std::string ganLossName(GanLoss l);             // "original" | "wgan"
GanLoss parseGanLoss(const std::string& name);  // InputError listing the names

struct GanSpec {
  GanLoss loss = GanLoss::Wasserstein;
  CriticSpec critic;  // its method: gp, clip or sn for wgan; none for the original loss
  int generatorWidth = 64, generatorDepth = 3;
  double generatorLearningRate = 2e-4;      // below the critic's: at 1e-3 both oscillate
  int criticSteps = 5, generatorSteps = 1;  // 1..20 each
  bool operator==(const GanSpec&) const = default;
};
void validate(const GanSpec& spec);  // InputError naming the field

// A mixture's modes, to count the ones a GAN covers (empty centres: the data is no mixture).
struct GanModes {
  std::vector<glm::dvec2> centres;
  double radius = 0.0;  // how close a sample must be to count for its mode
};

class Gan {
 public:
  // data: the cloud to imitate; shown: how many generated samples (fixed noise) to draw.
  Gan(const GanSpec& spec, Measure data, int shown = 512, GanModes modes = {});
  void iterate(int count);
  long iterations() const { return iterations_; }
  const GanSpec& spec() const { return spec_; }
  const Critic& critic() const { return critic_; }
  const Measure& data() const { return data_; }
  // The fixed noise's samples and their pushes, as of the last iteration.
  const std::vector<glm::dvec2>& samples() const { return samples_; }
  const std::vector<glm::dvec2>& pushes() const { return pushes_; }
  const GanModes& modes() const { return modes_; }
  int modesCovered() const;  // by the shown samples (modesCovered below)
  std::vector<glm::dvec2> generate(std::span<const glm::dvec2> noise);
  struct Record {
    long iteration;
    double criticLoss, generatorLoss;
    double w1;  // exact W1 between 256 of the shown samples and 256 data points
    int modes;  // the modes the shown samples covered then
  };
  static constexpr long kMeasureEvery = 50;      // iterations between records
  static constexpr size_t kMeasurePoints = 256;  // points of each side in a record's W1
  const std::vector<Record>& history() const { return history_; }

 private:
  double generatorStep();
  std::vector<glm::dvec2> pushesAt(std::span<const glm::dvec2> x, std::vector<double>* f) const;
  void refreshShown(bool measure);

  GanSpec spec_;
  Measure data_;
  GanModes modes_;
  Critic critic_;
  FastCpuMlp generator_;
  std::vector<float> weights_;
  AdamT<float> adam_;
  Pcg32 rng_;
  std::vector<glm::dvec2> noise_, samples_, pushes_;
  Measure measureData_;  // the data points every record's W1 is measured against (fixed)
  long iterations_ = 0;
  double lastCriticLoss_ = 0.0, lastGeneratorLoss_ = 0.0;
  std::vector<Record> history_;
};

// How many of a mixture's modes a cloud covers: component k is covered when at least
// max(1, n / (4 K)) of the n points lie within `radius` of centre k.
int modesCovered(std::span<const glm::dvec2> points, std::span<const glm::dvec2> centres,
                 double radius);

}  // namespace flowscope
