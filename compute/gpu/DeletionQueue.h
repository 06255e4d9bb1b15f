#pragma once
// GPU objects retired while frames in flight may still use them (a run replaced by an edit, a
// renderer for another layout): each is kept until the frame slot it was retired in comes round
// again, when that slot's fence has been waited and no frame can read it any more. QVulkanWindow
// waits slot i's fence before it records slot i again; the headless paths wait every frame and
// retire nothing. Never a vkDeviceWaitIdle on an edit.
#include <cstdint>
#include <memory>
#include <vector>

namespace flowscope {

class DeletionQueue {
 public:
  explicit DeletionQueue(uint32_t frameSlots) : retired_(frameSlots) {}
  // Keeps `object` alive until collect(slot) runs the next time (the object's own destructor
  // frees its GPU resources then).
  template <typename T>
  void retire(uint32_t slot, std::unique_ptr<T> object) {
    if (object) retired_.at(slot).push_back(std::shared_ptr<void>(std::move(object)));
  }
  // At the start of frame slot `slot`, after its fence: frees what was retired there.
  void collect(uint32_t slot) { retired_.at(slot).clear(); }
  // Frees everything (the device must be idle: shutdown).
  void clear() {
    for (auto& r : retired_) r.clear();
  }
  size_t pending() const {
    size_t n = 0;
    for (const auto& r : retired_) n += r.size();
    return n;
  }

 private:
  std::vector<std::vector<std::shared_ptr<void>>> retired_;
};

}  // namespace flowscope
