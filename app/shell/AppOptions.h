#pragma once
#include <QSize>
#include <QString>

#include "Backend.h"

namespace flowscope {

// flowscope [--scene FILE.json] [--lab NAME] [--ui-scale S] [--size WxH] [--frames N]
//           [--stats FILE.json] [--screenshot FILE.png]
struct AppOptions {
  QString scene;   // a scene file of any lab, or a built-in name; empty: none
  int frames = 0;  // > 0: run N frames, then write stats/screenshot and quit
  // {"frames", "frame_ms_median", "frame_ms_p95", "device", "width", "height",
  //  "validation_messages", "lab", ...the lab's own keys (Lab::addStats)}
  QString statsPath;
  QString screenshotPath;
  QString lab;                    // the id of the lab shown first (LabCatalog); empty: the first
  float uiScale = 1.0f;           // the UI scale at start (UiScale.h)
  bool lightTheme = false;        // --theme light, or the theme remembered
  QSize viewportSize{1280, 800};  // the viewport at start (--size WxH), logical pixels
  // --backend auto|gpu|cpu: where every lab's heavy kernels run (Backend.h); auto by default.
  BackendChoice backend = BackendChoice::Auto;
  // Remember the UI scale in the user's settings when it changes (the executable; not tests).
  bool rememberSettings = false;
};

}  // namespace flowscope
