#pragma once
// The effective receptive field on the GPU: the RfProgram of ReceptiveField.h run by
// rf_forward.comp (when ReLU or max pooling need activations) and rf_backward.comp (transpose
// convolutions and pooling gradients from a unit impulse), every seed in one submission, the
// mean |gradient| accumulated on the device. Float32. CPU twin: effectiveReceptiveFieldCpu.
#include <memory>

#include "ComputeKernel.h"
#include "KernelWorkspace.h"
#include "ReceptiveField.h"

namespace flowscope {

class GpuReceptiveField {
 public:
  explicit GpuReceptiveField(const GpuContext& ctx);
  ~GpuReceptiveField();
  // computeMs: the recorded kernels from submit to completion (uploads and download excluded).
  // InputError for programs whose buffers exceed the device's storage-buffer range.
  ErfResult run(const Architecture& a, const ErfOptions& o);
  size_t deviceBytes() const { return deviceBytes_; }
  // Descriptor sets kept for later runs (KernelWorkspace).
  size_t cachedSets() const { return workspace_.cachedSets(); }

 private:
  enum Slot : size_t { kActivations, kGradients, kWeights, kArgmax };
  const GpuContext& ctx_;
  std::unique_ptr<ComputeKernel> forward_, backward_;
  KernelWorkspace workspace_;  // after the kernels: its sets go first
  size_t deviceBytes_ = 0;
};

}  // namespace flowscope
