#pragma once
// A lab's frame (what the GUI's viewport shows, without its panel) rendered with no window or X
// server, through the lab's LabRenderer: the same calls as the GUI's frame, in one submission.
#include <cstdint>
#include <functional>
#include <memory>

#include "HeadlessRender.h"
#include "Lab.h"
#include "LabRenderer.h"

namespace flowscope {

// Makes the lab's renderer for a render pass, with one frame slot.
using MakeLabRenderer = std::function<std::unique_ptr<LabRenderer>(VkRenderPass pass)>;

// The lab computes on `ctx` and settles (a run reaches its shown step, reporting
// progress(done, total)), then one frame is drawn and read back. InputError or NumericalError
// when the lab's state cannot be computed. `uiScale`: the overlays' scale (LabFrame::uiScale).
RenderedImage renderHeadless(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                             const MakeLabRenderer& make,
                             const std::function<void(int, int)>& progress = {},
                             float uiScale = 1.0f);

// `count` frames with one target and renderer (a video): before frame k `prepare(k)` changes
// the lab (Lab::showAnimation), the lab settles, and the image goes to `take(k, image)`.
void renderHeadlessFrames(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                          const MakeLabRenderer& make, int count,
                          const std::function<void(int)>& prepare,
                          const std::function<void(int, const RenderedImage&)>& take,
                          float uiScale = 1.0f);

}  // namespace flowscope
