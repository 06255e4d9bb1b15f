#pragma once
#include <QString>

namespace flowscope {

// flowscope [--scene FILE.json] [--frames N] [--stats FILE.json] [--screenshot FILE.png]
struct AppOptions {
  QString scene;   // empty: the default scene
  int frames = 0;  // > 0: run N frames, then write stats/screenshot and quit
  QString
      statsPath;  // {"frames", "frame_ms_median", "frame_ms_p95", "device", "width", "height", ...}
  QString screenshotPath;
  QString lab = "diffusion";  // the lab shown first: diffusion | transport | attention | rf
};

}  // namespace flowscope
