#pragma once
// Every lab's renderer (LabList.h), found by the lab, and the headless frame of any lab.
#include <memory>

#include "HeadlessRender.h"
#include "Lab.h"
#include "LabRenderer.h"
#include "ParameterSweep.h"

namespace flowscope {

// The renderer of `lab` (one of LabCatalog's labs) for a render pass and `frameSlots` frames in
// flight.
std::unique_ptr<LabRenderer> makeRenderer(Lab& lab, const GpuContext& ctx, VkRenderPass pass,
                                          uint32_t frameSlots);

// The lab's frame as the GUI's viewport shows it without the panel (LabHeadless.h).
RenderedImage renderLab(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                        const std::function<void(int, int)>& progress = {}, float uiScale = 1.0f);

// The lab's frame as an SVG document: the overlay (points, lines, arrows, text, colour bars) as
// vector elements over the GPU layers embedded as a PNG (SvgRecorder).
std::string renderLabSvg(const GpuContext& ctx, Lab& lab, uint32_t width, uint32_t height,
                         const std::function<void(int, int)>& progress = {}, float uiScale = 1.0f);

// The lab's animation (Lab::showAnimation) as a video file (VideoWriter: .mp4 or .gif) of
// `frames` frames at `fps`, frame k at u = k / (frames - 1); progress(k, frames) after each.
// InputError when the lab has no animation or the file cannot be written.
void recordLabVideo(const GpuContext& ctx, Lab& lab, const std::string& path, uint32_t width,
                    uint32_t height, int fps, int frames,
                    const std::function<void(int, int)>& progress = {}, float uiScale = 1.0f);

// A parameter sweep of the lab's scene as a video: frame k shows the scene with `sweep`'s field
// at sweepValue(k / (frames - 1)), rendered as a still would be. Both ends are validated before
// the file is started (InputError naming the field); the lab is left on its scene as it was.
void recordLabSweep(const GpuContext& ctx, Lab& lab, const SweepSpec& sweep,
                    const std::string& path, uint32_t width, uint32_t height, int fps, int frames,
                    const std::function<void(int, int)>& progress = {}, float uiScale = 1.0f);

}  // namespace flowscope
