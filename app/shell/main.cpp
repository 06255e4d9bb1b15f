// flowscope: the interactive explorer. See README.md for the command line.
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>
#include <QVulkanInstance>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "AppOptions.h"
#include "InputError.h"
#include "LabCatalog.h"
#include "MainWindow.h"
#include "Resources.h"
#include "UiScale.h"

using namespace flowscope;

namespace {

// Exit codes as the CLI's: 2 invalid input or usage, 3 device or runtime failure.
int fail(int code, const QString& message, bool interactive) {
  std::fprintf(stderr, "flowscope: %s\n", qPrintable(message));
  if (interactive) QMessageBox::critical(nullptr, "Flowscope", message);
  return code;
}

bool parseOptions(QApplication& app, AppOptions& options, QString& error) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      "Flowscope: an interactive explorer of diffusion and flow sampling, optimal transport, "
      "attention and receptive fields. Drag to pan, wheel to zoom; Ctrl+1… switch labs; "
      "Space play/pause, Right step, Left step back, R reset (labs with playback), Home reset "
      "view, Ctrl+O/Ctrl+S open/save the shown lab's scene, Ctrl+E export PNG.");
  parser.addHelpOption();
  parser.addOption({"scene",
                    "A scene to open: a scene file of any lab (its \"lab\" field says which; that "
                    "lab is shown first), or a built-in one: default (the Diffusion & Flow lab's), "
                    "default-<lab>.",
                    "FILE.json"});
  parser.addOption({"lab",
                    QString::fromStdString("The lab shown first: " + labIds() +
                                           " (default: the first; Ctrl+1… switch)."),
                    "NAME"});
  parser.addOption({"ui-scale",
                    "The size of text, panels and overlays: 0.75, 1, 1.25, 1.5, 1.75 (lecture), 2, "
                    "2.5 or 3, on top of the screen's pixel ratio (default: the last one chosen; "
                    "Ctrl+= / Ctrl+- / Ctrl+0 change it).",
                    "S"});
  parser.addOption({"theme",
                    "dark (screens) or light (projectors in bright rooms, print) (default: the "
                    "last one chosen; View > Light theme).",
                    "NAME"});
  parser.addOption({"size",
                    "The viewport's size in pixels, WxH (default 1280x800; e.g. 1920x1080 for a "
                    "projector).",
                    "WxH"});
  parser.addOption(
      {"backend",
       "Where the labs' heavy kernels run: auto (default: Vulkan compute on a GPU; on a CPU "
       "Vulkan device such as lavapipe, the CPU where it is faster there: the fast float32 path "
       "for attention, training, the critic and flows, the double twins for receptive fields and "
       "the estimators; Vulkan stays for the diffusion samplers, measured faster there), gpu "
       "(Vulkan for every kernel) or cpu (the CPU for every kernel with a CPU path, the diffusion "
       "sampler steps included). The status bar says what runs; drawing is always Vulkan.",
       "NAME"});
  parser.addOption({"frames", "Run N frames, then write --stats/--screenshot and quit.", "N"});
  parser.addOption({"stats", "Write frame statistics JSON after --frames.", "FILE.json"});
  parser.addOption(
      {"screenshot", "Save the last frame (with the panel) as PNG after --frames.", "FILE.png"});
  if (!parser.parse(app.arguments())) {
    error = parser.errorText();
    return false;
  }
  if (parser.isSet("help")) parser.showHelp(0);
  options.scene = parser.value("scene");
  if (parser.isSet("lab")) {
    options.lab = parser.value("lab");
    try {
      labIndex(options.lab.toStdString());
    } catch (const InputError& e) {
      error = QString("--lab: expected one of %1, got '%2'")
                  .arg(QString::fromStdString(labIds()), options.lab);
      return false;
    }
  }
  options.rememberSettings = true;
  options.uiScale = nearestUiScale(QSettings().value("ui/scale", 1.0).toFloat());
  if (parser.isSet("ui-scale")) {
    bool ok = false;
    const float scale = parser.value("ui-scale").toFloat(&ok);
    if (!ok || !(scale >= 0.75f && scale <= 3.0f)) {
      error =
          "--ui-scale: expected a number from 0.75 to 3, got '" + parser.value("ui-scale") + "'";
      return false;
    }
    options.uiScale = nearestUiScale(scale);
  }
  options.lightTheme = QSettings().value("ui/theme", "dark").toString() == "light";
  if (parser.isSet("theme")) {
    const QString theme = parser.value("theme");
    if (theme != "dark" && theme != "light") {
      error = "--theme: expected dark or light, got '" + theme + "'";
      return false;
    }
    options.lightTheme = theme == "light";
  }
  if (parser.isSet("size")) {
    const QStringList wh = parser.value("size").split('x');
    bool okW = false, okH = false;
    const int w = wh.size() == 2 ? wh[0].toInt(&okW) : 0,
              h = wh.size() == 2 ? wh[1].toInt(&okH) : 0;
    if (!okW || !okH || w < 320 || h < 240 || w > 7680 || h > 4320) {
      error = "--size: expected WxH from 320x240 to 7680x4320, got '" + parser.value("size") + "'";
      return false;
    }
    options.viewportSize = QSize(w, h);
  }
  if (parser.isSet("backend")) {
    try {
      options.backend = parseBackendChoice(parser.value("backend").toStdString(), "--backend");
    } catch (const InputError& e) {
      error = QString::fromStdString(e.what());
      return false;
    }
  }
  if (parser.isSet("frames")) {
    bool ok = false;
    options.frames = parser.value("frames").toInt(&ok);
    if (!ok || options.frames < 1) {
      error = "--frames: expected a positive integer";
      return false;
    }
  }
  options.statsPath = parser.value("stats");
  options.screenshotPath = parser.value("screenshot");
  if ((!options.statsPath.isEmpty() || !options.screenshotPath.isEmpty()) && options.frames == 0) {
    error = "--stats and --screenshot need --frames N";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Qt's xcb backend delays each requestUpdate() by QT_QPA_UPDATE_IDLE_TIME (5 ms by default),
  // which would cap a 6 ms frame at ~11 ms. The viewport paces itself on the swapchain instead.
  if (!qEnvironmentVariableIsSet("QT_QPA_UPDATE_IDLE_TIME"))
    qputenv("QT_QPA_UPDATE_IDLE_TIME", "0");
  QApplication app(argc, argv);
  QApplication::setApplicationName("Flowscope");
  QApplication::setOrganizationName("Flowscope");  // settings: ~/.config/Flowscope/Flowscope.conf
  QApplication::setApplicationVersion("0.1.0");
  AppOptions options;
  QString error;
  if (!parseOptions(app, options, error)) return fail(2, error, false);
  const bool interactive = options.frames == 0;

  // Every lab in its default state; --scene replaces the one it belongs to and shows it.
  std::vector<std::unique_ptr<Lab>> labs = makeLabs();
  try {
    assetRoot();
    if (!options.scene.isEmpty()) {
      std::unique_ptr<Lab> opened = openLabScene(options.scene.toStdString());
      const size_t index = labIndex(opened->info().id);
      options.lab = QString::fromStdString(opened->info().id);
      labs[index] = std::move(opened);
    }
  } catch (const InputError& e) {
    return fail(2, e.what(), interactive);
  }

  QVulkanInstance instance;
  const bool validate = GpuContext::defaultOptions().validation;
  if (validate) {
    instance.setLayers({"VK_LAYER_KHRONOS_validation"});
    instance.setExtensions({VK_EXT_DEBUG_UTILS_EXTENSION_NAME});
  }
  if (!instance.create())
    return fail(
        3,
        QString(
            "no Vulkan driver could be loaded (VkResult %1). Flowscope draws with Vulkan: install "
            "a driver (Debian: mesa-vulkan-drivers) or use flowscope-cli --backend cpu.")
            .arg(instance.errorCode()),
        interactive);
  ValidationSink sink;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  if (validate) {
    if (!instance.layers().contains("VK_LAYER_KHRONOS_validation"))
      return fail(3, "FLOWSCOPE_VALIDATE=1 but VK_LAYER_KHRONOS_validation is not installed",
                  interactive);
    messenger = installValidationCounter(instance.vkInstance(), &sink);
  }

  for (auto& lab : labs) lab->setBackend(options.backend);
  MainWindow window(std::move(labs), &instance, options, validate ? &sink : nullptr);
  auto devices = window.viewport()->availablePhysicalDevices();
  if (devices.isEmpty())
    return fail(3, "no Vulkan device found: Flowscope needs one to draw.", interactive);
  std::vector<GpuDeviceInfo> infos;
  for (int i = 0; i < devices.size(); ++i) {
    GpuDeviceInfo info;
    info.index = uint32_t(i);
    info.name = devices[i].deviceName;
    info.type = devices[i].deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU     ? "discrete"
                : devices[i].deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? "integrated"
                : devices[i].deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU            ? "cpu"
                                                                                  : "other";
    infos.push_back(info);
  }
  try {
    window.viewport()->setPhysicalDeviceIndex(
        int(chooseDevice(infos, std::getenv("FLOWSCOPE_DEVICE"))));
  } catch (const GpuError& e) {
    return fail(3, e.what(), interactive);
  }
  window.show();
  int code = app.exec();
  if (messenger) removeValidationCounter(instance.vkInstance(), messenger);
  return code != 0 ? code : window.exitCode();
}
