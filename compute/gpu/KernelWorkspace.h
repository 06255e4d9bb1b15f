#pragma once
// What a family of compute kernels reuses from one run to the next: device buffers by slot,
// grown (never shrunk) when a run needs more; descriptor sets cached by kernel and buffers, made
// once and freed only when a buffer they name is replaced or the workspace goes (so an exception
// cannot leak one); and a staging buffer each way, so a run's uploads are one submission and its
// downloads another. For synchronous runs (submit and wait): nothing is in flight between runs.
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "ComputeKernel.h"
#include "GpuBuffer.h"

namespace flowscope {

class KernelWorkspace {
 public:
  explicit KernelWorkspace(const GpuContext& ctx) : ctx_(ctx) {}
  KernelWorkspace(const KernelWorkspace&) = delete;
  // Frees the cached sets: the kernels must outlive the workspace.
  ~KernelWorkspace() { forgetSets(); }

  // The device-local buffer of `slot`, at least `bytes` long (a replaced buffer drops every
  // cached set, so a run asks for all its buffers before its first set()).
  GpuBuffer& buffer(size_t slot, VkDeviceSize bytes);
  // The set binding `buffers` in order for `kernel`, made on first use (the kernel's pool holds
  // every combination a run of the family can ask for).
  VkDescriptorSet set(ComputeKernel& kernel, std::initializer_list<const GpuBuffer*> buffers);

  struct Upload {
    const GpuBuffer* to;
    const void* data;
    VkDeviceSize bytes;
    VkDeviceSize offset = 0;  // in `to`
  };
  // Every copy in one submission, ending with barriers that make them visible to later readers.
  void upload(std::span<const Upload> uploads);
  struct Download {
    const GpuBuffer* from;
    void* data;
    VkDeviceSize bytes;
    VkDeviceSize offset = 0;  // in `from`
  };
  // Every copy in one submission, after the kernels of earlier submissions.
  void download(std::span<const Download> downloads);

  size_t cachedSets() const { return sets_.size(); }

 private:
  GpuBuffer& staging(GpuBuffer& buffer, VkDeviceSize bytes);
  void forgetSets();
  const GpuContext& ctx_;
  std::map<size_t, GpuBuffer> buffers_;
  std::map<std::pair<ComputeKernel*, std::vector<VkBuffer>>, VkDescriptorSet> sets_;
  GpuBuffer up_, down_;
};

}  // namespace flowscope
