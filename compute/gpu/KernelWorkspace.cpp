#include "KernelWorkspace.h"

#include <cstring>

namespace flowscope {

namespace {

// Where each copy's bytes go in the staging buffer (packed at 16-byte offsets), with the total
// as the last entry.
template <typename Copy>
std::vector<VkDeviceSize> packedOffsets(std::span<const Copy> copies) {
  std::vector<VkDeviceSize> offsets{0};
  for (const Copy& c : copies)
    offsets.push_back(offsets.back() + ((c.bytes + 15) & ~VkDeviceSize(15)));
  return offsets;
}

}  // namespace

GpuBuffer& KernelWorkspace::buffer(size_t slot, VkDeviceSize bytes) {
  GpuBuffer& b = buffers_[slot];
  if (b.valid() && b.size() >= bytes) return b;
  forgetSets();  // they may name the buffer replaced here
  b = GpuBuffer(ctx_, bytes, kStorageUsage, MemoryKind::DeviceLocal);
  return b;
}

VkDescriptorSet KernelWorkspace::set(ComputeKernel& kernel,
                                     std::initializer_list<const GpuBuffer*> buffers) {
  std::pair<ComputeKernel*, std::vector<VkBuffer>> key{&kernel, {}};
  for (const GpuBuffer* b : buffers) key.second.push_back(b->handle());
  if (auto it = sets_.find(key); it != sets_.end()) return it->second;
  const std::vector<const GpuBuffer*> list(buffers);
  VkDescriptorSet s = kernel.makeSet(list);
  sets_.emplace(std::move(key), s);
  return s;
}

void KernelWorkspace::forgetSets() {
  for (auto& [key, s] : sets_) key.first->freeSet(s);
  sets_.clear();
}

GpuBuffer& KernelWorkspace::staging(GpuBuffer& buffer, VkDeviceSize bytes) {
  if (!buffer.valid() || buffer.size() < bytes)
    buffer = GpuBuffer(ctx_, bytes, 0, MemoryKind::Staging);
  return buffer;
}

void KernelWorkspace::upload(std::span<const Upload> uploads) {
  const std::vector<VkDeviceSize> offsets = packedOffsets(uploads);
  if (offsets.back() == 0) return;
  GpuBuffer& from = staging(up_, offsets.back());
  for (size_t i = 0; i < uploads.size(); ++i)
    std::memcpy(static_cast<char*>(from.mapped()) + offsets[i], uploads[i].data, uploads[i].bytes);
  ctx_.submitAndWait([&](VkCommandBuffer cmd) {
    for (size_t i = 0; i < uploads.size(); ++i) {
      if (uploads[i].bytes == 0) continue;
      const VkBufferCopy region{offsets[i], uploads[i].offset, uploads[i].bytes};
      vkCmdCopyBuffer(cmd, from.handle(), uploads[i].to->handle(), 1, &region);
    }
    // The copies' writes made visible to whatever reads the buffers next, in later submissions
    // too (the fence wait only orders the host).
    for (const Upload& u : uploads)
      bufferBarrier(cmd, *u.to, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                    kBufferReaderStages, kBufferReaderAccess);
  });
}

void KernelWorkspace::download(std::span<const Download> downloads) {
  const std::vector<VkDeviceSize> offsets = packedOffsets(downloads);
  if (offsets.back() == 0) return;
  GpuBuffer& to = staging(down_, offsets.back());
  ctx_.submitAndWait([&](VkCommandBuffer cmd) {
    readbackBarrier(cmd);
    for (size_t i = 0; i < downloads.size(); ++i) {
      if (downloads[i].bytes == 0) continue;
      const VkBufferCopy region{downloads[i].offset, offsets[i], downloads[i].bytes};
      vkCmdCopyBuffer(cmd, downloads[i].from->handle(), to.handle(), 1, &region);
    }
    hostReadBarrier(cmd);
  });
  for (size_t i = 0; i < downloads.size(); ++i)
    std::memcpy(downloads[i].data, static_cast<const char*>(to.mapped()) + offsets[i],
                downloads[i].bytes);
}

}  // namespace flowscope
