#include "KernelWorkspace.h"

#include <cstring>

namespace flowscope {

namespace {

// Copies packed at 16-byte offsets in the staging buffer.
VkDeviceSize aligned(VkDeviceSize bytes) {
  return (bytes + 15) & ~VkDeviceSize(15);
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
  VkDeviceSize total = 0;
  for (const Upload& u : uploads) total += aligned(u.bytes);
  if (total == 0) return;
  GpuBuffer& from = staging(up_, total);
  VkDeviceSize at = 0;
  std::vector<VkDeviceSize> offsets;
  for (const Upload& u : uploads) {
    std::memcpy(static_cast<char*>(from.mapped()) + at, u.data, u.bytes);
    offsets.push_back(at);
    at += aligned(u.bytes);
  }
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
  VkDeviceSize total = 0;
  for (const Download& d : downloads) total += aligned(d.bytes);
  if (total == 0) return;
  GpuBuffer& to = staging(down_, total);
  std::vector<VkDeviceSize> offsets;
  VkDeviceSize at = 0;
  for (const Download& d : downloads) {
    offsets.push_back(at);
    at += aligned(d.bytes);
  }
  ctx_.submitAndWait([&](VkCommandBuffer cmd) {
    // Kernels of earlier submissions wrote the buffers: make those writes visible to the copies.
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &barrier, 0, nullptr, 0, nullptr);
    for (size_t i = 0; i < downloads.size(); ++i) {
      if (downloads[i].bytes == 0) continue;
      const VkBufferCopy region{downloads[i].offset, offsets[i], downloads[i].bytes};
      vkCmdCopyBuffer(cmd, downloads[i].from->handle(), to.handle(), 1, &region);
    }
    // Make the copies visible to the host reads below (the fence wait alone does not).
    VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                         &toHost, 0, nullptr, 0, nullptr);
  });
  for (size_t i = 0; i < downloads.size(); ++i)
    std::memcpy(downloads[i].data, static_cast<const char*>(to.mapped()) + offsets[i],
                downloads[i].bytes);
}

}  // namespace flowscope
