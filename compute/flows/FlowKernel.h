#pragma once
// The flow's Vulkan kernel (shaders/flows/flow_trace.comp): points pushed through every layer of
// a flow, forward or inverse, with each layer's log |det J|, float32 on the device, one
// invocation a point. Its CPU twin is FlowNetwork::trace; tested against it and against the
// double reference. The Normalizing Flows lab uses it where the Vulkan device is a GPU; on a CPU
// device (lavapipe) the fast CPU path is faster.
#include <memory>
#include <span>

#include "FlowNetwork.h"
#include "KernelWorkspace.h"

namespace flowscope {

class GpuFlow {
 public:
  explicit GpuFlow(const GpuContext& ctx);
  ~GpuFlow();
  // As FlowNetwork::trace: states[k] after k layers of the pass, logDets[k] the k-th layer's.
  // InputError when the buffers exceed the device's storage-buffer range.
  FlowTrace<float> trace(const FlowSpec& spec, std::span<const float> params,
                         std::span<const float> points, bool inverse);

 private:
  const GpuContext& ctx_;
  std::unique_ptr<ComputeKernel> kernel_;  // before the workspace, which frees its sets
  KernelWorkspace workspace_;
};

// The floats the kernel reads: a table of 8 a layer (type, cond, parameter offset in this
// buffer, outputs, swap, sign0, sign1, 0), then the parameters.
std::vector<float> gpuFlowPacking(const FlowLayout& layout, std::span<const float> params);

}  // namespace flowscope
