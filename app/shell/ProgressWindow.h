#pragma once
// The progress of work a lab is doing off the frame (a Sinkhorn solve): a small window in the
// lower right corner of the content area with what runs and a bar, while the lab shows its
// previous result. Every lab gets it from Lab::progress(); nothing is drawn when it is idle.
#include "VulkanViewport.h"

namespace flowscope {

void buildProgressWindow(VulkanViewport& viewport, const Lab& lab, const ContentRect& area);

}  // namespace flowscope
