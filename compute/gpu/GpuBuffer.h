#pragma once
// GpuBuffer: one VkBuffer with its own memory. Three kinds:
//   DeviceLocal - fastest for kernels; filled and read through a staging copy;
//   HostVisible - mapped, coherent, for small per-frame data written by the host;
//   Staging     - mapped, coherent, transfer source/destination only.
#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstring>
#include <span>
#include <vector>

#include "GpuContext.h"

namespace flowscope {

enum class MemoryKind { DeviceLocal, HostVisible, Staging };

class GpuBuffer {
 public:
  GpuBuffer() = default;
  GpuBuffer(const GpuContext& ctx, VkDeviceSize size, VkBufferUsageFlags usage, MemoryKind kind);
  GpuBuffer(GpuBuffer&& other) noexcept { *this = std::move(other); }
  GpuBuffer& operator=(GpuBuffer&& other) noexcept;
  GpuBuffer(const GpuBuffer&) = delete;
  ~GpuBuffer() { release(); }

  VkBuffer handle() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  bool valid() const { return buffer_ != VK_NULL_HANDLE; }
  void* mapped() const { return mapped_; }

  // Copies bytes from the host; host-visible buffers are written in place, device-local ones
  // through a staging buffer and a blocking submit that ends with a barrier making the copy
  // visible to every later reader. The caller guarantees the GPU is not using the bytes (wait
  // idle or a fence first).
  void upload(const void* data, VkDeviceSize bytes, VkDeviceSize offset = 0);
  void download(void* data, VkDeviceSize bytes, VkDeviceSize offset = 0) const;

  template <typename T>
  void upload(std::span<const T> values, VkDeviceSize offset = 0) {
    upload(values.data(), values.size_bytes(), offset);
  }
  template <typename T>
  std::vector<T> read(size_t count, VkDeviceSize offset = 0) const {
    std::vector<T> out(count);
    download(out.data(), count * sizeof(T), offset);
    return out;
  }

 private:
  void release();
  const GpuContext* ctx_ = nullptr;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
};

// The usual storage buffer: device-local, readable and writable by kernels, copyable both ways.
inline constexpr VkBufferUsageFlags kStorageUsage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                                    VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                                    VK_BUFFER_USAGE_TRANSFER_DST_BIT;

// Every stage and access that reads storage or vertex buffers here: compute kernels, vertex
// input and shaders, and copies.
inline constexpr VkPipelineStageFlags kBufferReaderStages =
    VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_VERTEX_INPUT_BIT |
    VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT |
    VK_PIPELINE_STAGE_TRANSFER_BIT;
inline constexpr VkAccessFlags kBufferReaderAccess =
    VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_VERTEX_ATTRIBUTE_READ_BIT |
    VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;

// Before copying out buffers that kernels or copies of earlier submissions wrote: their writes
// made visible to the copy.
void readbackBarrier(VkCommandBuffer cmd);
// After copying into a mapped buffer: the copy made visible to the host's reads once the fence
// is waited (the wait alone does not).
void hostReadBarrier(VkCommandBuffer cmd);

// A buffer-memory barrier over the whole buffer.
void bufferBarrier(VkCommandBuffer cmd, const GpuBuffer& buffer, VkPipelineStageFlags srcStage,
                   VkAccessFlags srcAccess, VkPipelineStageFlags dstStage, VkAccessFlags dstAccess);

}  // namespace flowscope
