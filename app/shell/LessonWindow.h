#pragma once
// The Lesson window: the shown lesson's title and one-paragraph note, docked at the right of the
// plot while its lab is on screen, with previous / next buttons (Page Up / Page Down do the same
// from the Lessons menu, for a presenter's clicker).
#include "VulkanViewport.h"

namespace flowscope {

// Builds the window in the current ImGui frame; returns -1 or +1 when a button asks for the
// previous or next lesson, else 0. Closing the window ends the lesson (`viewport`'s lesson
// cleared).
int buildLessonWindow(VulkanViewport& viewport);

}  // namespace flowscope
