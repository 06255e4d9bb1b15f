#pragma once
// A model.glsl kernel in its two variants (modelSpecialization, MixtureGrids.h): the one for exact
// models, built with the layer, and the one that compiles the learned network in, built the first
// time a run of a learned model is drawn (its pipeline takes seconds on lavapipe). Each variant
// has its own descriptor sets, one per frame in flight (SlotSets).
#include <memory>

#include "GpuBuffer.h"
#include "SlotSets.h"

namespace flowscope {

template <class Kernel>
class ModelKernels {
 public:
  ModelKernels(const GpuContext& ctx, uint32_t frameSlots)
      : ctx_(ctx),
        exact_(ctx, false),
        exactSets_(frameSlots, [this](VkDescriptorSet s) { exact_.kernel().freeSet(s); }),
        learnedSets_(frameSlots, [this](VkDescriptorSet s) { learned_->kernel().freeSet(s); }) {}

  Kernel& kernel(bool learned) {
    if (!learned) return exact_;
    if (!learned_) learned_ = std::make_unique<Kernel>(ctx_, true);
    return *learned_;
  }
  // The set of `slot` for run `run`, made by bind(kernel) when the slot holds another run's.
  template <typename Bind>
  VkDescriptorSet set(uint32_t slot, uint64_t run, bool learned, Bind&& bind) {
    Kernel& k = kernel(learned);
    return (learned ? learnedSets_ : exactSets_).get(slot, run, [&] { return bind(k); });
  }
  // Frees every set; the device is idle.
  void clear() {
    exactSets_.clear();
    learnedSets_.clear();
  }

 private:
  const GpuContext& ctx_;
  Kernel exact_;
  std::unique_ptr<Kernel> learned_;
  SlotSets exactSets_, learnedSets_;  // after the kernels: freed before them
};

}  // namespace flowscope
