#include "SlotBuffers.h"

namespace flowscope {

SlotBuffers::SlotBuffers(const GpuContext& ctx, GraphicsBindings& bindings, uint32_t slots,
                         VkDeviceSize bytes, std::initializer_list<const GpuBuffer*> shared) {
  for (uint32_t i = 0; i < slots; ++i)
    buffers_.emplace_back(ctx, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryKind::HostVisible);
  for (uint32_t i = 0; i < slots; ++i) {
    std::vector<const GpuBuffer*> set{&buffers_[i]};
    set.insert(set.end(), shared.begin(), shared.end());
    sets_.push_back(bindings.makeSet(set));
  }
  versions_.assign(slots, 0);
}

}  // namespace flowscope
