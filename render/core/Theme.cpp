#include "Theme.h"

#include <atomic>

#include "InputError.h"

namespace flowscope {
namespace {

const Theme kDark{{0.055f, 0.06f, 0.075f, 1.0f},  {1.0f, 1.0f, 1.0f, 0.07f},
                  {1.0f, 1.0f, 1.0f, 0.28f},      {0.92f, 0.94f, 0.97f, 0.95f},
                  {0.02f, 0.025f, 0.035f, 0.62f}, {0.95f, 0.97f, 1.0f, 1.0f},
                  {0.0f, 0.0f, 0.0f, 0.5f},       {0.75f, 0.80f, 0.95f, 1.0f}};
const Theme kLight{{0.97f, 0.97f, 0.96f, 1.0f}, {0.0f, 0.0f, 0.0f, 0.09f},
                   {0.0f, 0.0f, 0.0f, 0.4f},    {0.06f, 0.07f, 0.09f, 1.0f},
                   {1.0f, 1.0f, 1.0f, 0.72f},   {0.1f, 0.12f, 0.18f, 1.0f},
                   {1.0f, 1.0f, 1.0f, 0.6f},    {0.25f, 0.3f, 0.45f, 1.0f}};

std::atomic<ThemeKind> active{ThemeKind::Dark};

}  // namespace

glm::vec4 classColor(int label, float alpha) {
  // The palette's 8-bit values, as drawn (the framebuffers are UNORM: values are shown as is).
  static const glm::vec3 kSrgb[8] = {{230, 159, 0},   {86, 180, 233}, {0, 158, 115},
                                     {240, 228, 66},  {0, 114, 178},  {213, 94, 0},
                                     {204, 121, 167}, {150, 150, 150}};
  const glm::vec3 c = kSrgb[((label % 8) + 8) % 8] / 255.0f;
  return {c, alpha};
}

const Theme& themeOf(ThemeKind kind) {
  return kind == ThemeKind::Light ? kLight : kDark;
}

const Theme& theme() {
  return themeOf(active.load());
}

ThemeKind activeTheme() {
  return active.load();
}

void setTheme(ThemeKind kind) {
  active.store(kind);
}

std::string themeName(ThemeKind kind) {
  return kind == ThemeKind::Light ? "light" : "dark";
}

ThemeKind parseTheme(const std::string& name, const std::string& field) {
  if (name == "dark") return ThemeKind::Dark;
  if (name == "light") return ThemeKind::Light;
  throw InputError(field + ": expected dark or light, got '" + name + "'");
}

}  // namespace flowscope
