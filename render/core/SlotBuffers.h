#pragma once
// One host-visible storage buffer a frame-in-flight slot, each in its own descriptor set (binding
// 0, then the `shared` buffers at the next bindings), refilled only when the data's version
// changes: the copy an earlier frame's draw may still read is never overwritten. The heatmaps, the
// plan-matrix inset and the ink layer draw from them.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "GpuBuffer.h"
#include "Pipelines.h"

namespace flowscope {

class SlotBuffers {
 public:
  SlotBuffers(const GpuContext& ctx, GraphicsBindings& bindings, uint32_t slots, VkDeviceSize bytes,
              std::initializer_list<const GpuBuffer*> shared = {});
  // Slot `slot`'s set; fill(buffer) runs first when the slot holds another version than `version`.
  template <class Fill>
  VkDescriptorSet set(uint32_t slot, uint64_t version, Fill&& fill) {
    if (versions_.at(slot) != version) {
      fill(buffers_[slot]);
      versions_[slot] = version;
    }
    return sets_[slot];
  }

 private:
  std::vector<GpuBuffer> buffers_;
  std::vector<VkDescriptorSet> sets_;
  std::vector<uint64_t> versions_;
};

}  // namespace flowscope
