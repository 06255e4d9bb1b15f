#pragma once
// One descriptor set per frame in flight for bindings that follow the content (a run's buffers):
// slot i's set is made again only while slot i is being recorded, when the frame that last used
// it is done (its fence was waited). A set that a frame in flight may still bind is never freed or
// rewritten, so replacing a run needs no device wait.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace flowscope {

class SlotSets {
 public:
  using Free = std::function<void(VkDescriptorSet)>;
  SlotSets(uint32_t frameSlots, Free free)
      : sets_(frameSlots, VK_NULL_HANDLE), keys_(frameSlots, 0), free_(std::move(free)) {}
  ~SlotSets() { clear(); }
  SlotSets(const SlotSets&) = delete;
  SlotSets& operator=(const SlotSets&) = delete;

  // The set of `slot` for `key` (a run's id), made by `make` when the slot holds another.
  template <typename Make>
  VkDescriptorSet get(uint32_t slot, uint64_t key, Make&& make) {
    VkDescriptorSet& set = sets_.at(slot);
    if (set == VK_NULL_HANDLE || keys_[slot] != key) {
      if (set != VK_NULL_HANDLE) free_(set);
      set = make();
      keys_[slot] = key;
    }
    return set;
  }
  // Frees every set; the device is idle (a resize, or the owner's destruction).
  void clear() {
    for (VkDescriptorSet& set : sets_)
      if (set != VK_NULL_HANDLE) free_(set), set = VK_NULL_HANDLE;
  }

 private:
  std::vector<VkDescriptorSet> sets_;
  std::vector<uint64_t> keys_;
  Free free_;
};

}  // namespace flowscope
