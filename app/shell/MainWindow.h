#pragma once
// MainWindow: menus, shortcuts, dialogs and the status bar around the Vulkan viewport. Qt owns
// windows, menus, dialogs and input routing; ImGui owns the in-viewport panel.
#include <QLabel>
#include <QMainWindow>
#include <QTimer>

#include <atomic>

#include "AppOptions.h"
#include "DiffusionLab.h"
#include "GpuContext.h"
#include "TransportLab.h"
#include "VulkanViewport.h"

namespace flowscope {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  MainWindow(DiffusionLab& lab, TransportLab& transport, QVulkanInstance* instance,
             const AppOptions& options, ValidationSink* validation);
  // Shows the Diffusion & Flow lab (false) or the Transport lab (true).
  void showTransport(bool on);
  void showAttention();
  void showRf();
  VulkanViewport* viewport() const { return viewport_; }
  // File > Open scene / Open data / Save scene, without dialogs; errors name the file and field
  // and leave the lab unchanged. Return the error message, or an empty string.
  QString openScene(const QString& path);
  QString openData(const QString& path);
  QString saveScene(const QString& path);
  QString exportPng(const QString& path);           // the scene, without the panel
  QString exportPngWithPanel(const QString& path);  // what the window shows
  // Exit code of --frames mode: 0, or 3 when a frame failed.
  int exitCode() const { return exitCode_; }

 private:
  void buildMenus();
  QAction* addAction(QMenu* menu, const QString& text, const QKeySequence& key,
                     std::function<void()> fn);
  bool handleShortcut(QKeyEvent* event);
  void updateStatus();
  void onFrame();
  void finishFrames();
  void showAbout();
  QString writeViewportPng(const QString& path, bool withPanel);

  DiffusionLab& lab_;
  TransportLab& transport_;
  QAction *diffusionAction_ = nullptr, *transportAction_ = nullptr, *attentionAction_ = nullptr,
          *rfAction_ = nullptr;
  AppOptions options_;
  ValidationSink* validation_;
  VulkanViewport* viewport_;
  QLabel* status_;
  QTimer statusTimer_;
  QList<QAction*> shortcuts_;
  bool finishing_ = false;
  int exitCode_ = 0;
};

}  // namespace flowscope
