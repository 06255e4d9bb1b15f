#pragma once
// Every lab's renderer (LabList.h), found by the lab, and the headless frame of any lab.
#include <memory>

#include "HeadlessRender.h"
#include "Lab.h"
#include "LabRenderer.h"

namespace flowscope {

// The renderer of `lab` (one of LabCatalog's labs) for a render pass and `frameSlots` frames in
// flight.
std::unique_ptr<LabRenderer> makeRenderer(Lab& lab, const GpuContext& ctx, VkRenderPass pass,
                                          uint32_t frameSlots);

// The lab's frame as the GUI's viewport shows it without the panel (LabHeadless.h).
RenderedImage renderLab(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                        const std::function<void(int, int)>& progress = {}, float uiScale = 1.0f);

}  // namespace flowscope
