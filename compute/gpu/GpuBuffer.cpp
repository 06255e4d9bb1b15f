#include "GpuBuffer.h"

#include <utility>

namespace flowscope {

GpuBuffer::GpuBuffer(const GpuContext& ctx, VkDeviceSize size, VkBufferUsageFlags usage,
                     MemoryKind kind)
    : ctx_(&ctx), size_(size) {
  if (kind == MemoryKind::Staging)
    usage |= VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  vkCheck(vkCreateBuffer(ctx.device(), &info, nullptr, &buffer_), "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(ctx.device(), buffer_, &req);
  VkMemoryPropertyFlags props =
      kind == MemoryKind::DeviceLocal
          ? VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT
          : VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = ctx.findMemoryType(req.memoryTypeBits, props);
  VkResult result = vkAllocateMemory(ctx.device(), &alloc, nullptr, &memory_);
  if (result != VK_SUCCESS) {
    release();
    throw GpuError("out of device memory allocating " + std::to_string(size >> 20) + " MiB");
  }
  vkCheck(vkBindBufferMemory(ctx.device(), buffer_, memory_, 0), "vkBindBufferMemory");
  if (kind != MemoryKind::DeviceLocal)
    vkCheck(vkMapMemory(ctx.device(), memory_, 0, VK_WHOLE_SIZE, 0, &mapped_), "vkMapMemory");
}

GpuBuffer& GpuBuffer::operator=(GpuBuffer&& o) noexcept {
  if (this != &o) {
    release();
    ctx_ = std::exchange(o.ctx_, nullptr);
    buffer_ = std::exchange(o.buffer_, VK_NULL_HANDLE);
    memory_ = std::exchange(o.memory_, VK_NULL_HANDLE);
    size_ = std::exchange(o.size_, 0);
    mapped_ = std::exchange(o.mapped_, nullptr);
  }
  return *this;
}

void GpuBuffer::release() {
  if (!ctx_) return;
  if (buffer_) vkDestroyBuffer(ctx_->device(), buffer_, nullptr);
  if (memory_) vkFreeMemory(ctx_->device(), memory_, nullptr);
  buffer_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
  mapped_ = nullptr;
}

void GpuBuffer::upload(const void* data, VkDeviceSize bytes, VkDeviceSize offset) {
  if (bytes == 0) return;
  if (offset + bytes > size_) throw GpuError("GpuBuffer::upload past the end of the buffer");
  if (mapped_) {
    std::memcpy(static_cast<char*>(mapped_) + offset, data, bytes);
    return;
  }
  GpuBuffer staging(*ctx_, bytes, 0, MemoryKind::Staging);
  std::memcpy(staging.mapped(), data, bytes);
  ctx_->submitAndWait([&](VkCommandBuffer cmd) {
    VkBufferCopy region{0, offset, bytes};
    vkCmdCopyBuffer(cmd, staging.handle(), buffer_, 1, &region);
    // The copy's writes made visible to whatever reads the buffer next: a barrier's second scope
    // covers every later command on the queue, in later submissions too (the fence wait only
    // orders the host).
    bufferBarrier(cmd, *this, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                  kBufferReaderStages, kBufferReaderAccess);
  });
}

void GpuBuffer::download(void* data, VkDeviceSize bytes, VkDeviceSize offset) const {
  if (bytes == 0) return;
  if (offset + bytes > size_) throw GpuError("GpuBuffer::download past the end of the buffer");
  if (mapped_) {
    std::memcpy(data, static_cast<const char*>(mapped_) + offset, bytes);
    return;
  }
  GpuBuffer staging(*ctx_, bytes, 0, MemoryKind::Staging);
  ctx_->submitAndWait([&](VkCommandBuffer cmd) {
    readbackBarrier(cmd);
    VkBufferCopy region{offset, 0, bytes};
    vkCmdCopyBuffer(cmd, buffer_, staging.handle(), 1, &region);
    hostReadBarrier(cmd);
  });
  std::memcpy(data, staging.mapped(), bytes);
}

void readbackBarrier(VkCommandBuffer cmd) {
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &barrier, 0, nullptr, 0, nullptr);
}

void hostReadBarrier(VkCommandBuffer cmd) {
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                       &barrier, 0, nullptr, 0, nullptr);
}

void bufferBarrier(VkCommandBuffer cmd, const GpuBuffer& buffer, VkPipelineStageFlags srcStage,
                   VkAccessFlags srcAccess, VkPipelineStageFlags dstStage,
                   VkAccessFlags dstAccess) {
  VkBufferMemoryBarrier barrier{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
  barrier.srcAccessMask = srcAccess;
  barrier.dstAccessMask = dstAccess;
  barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.buffer = buffer.handle();
  barrier.offset = 0;
  barrier.size = VK_WHOLE_SIZE;
  vkCmdPipelineBarrier(cmd, srcStage, dstStage, 0, 0, nullptr, 1, &barrier, 0, nullptr);
}

}  // namespace flowscope
