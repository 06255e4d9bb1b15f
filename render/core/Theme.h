#pragma once
// The colours everything drawn around a lab's data follows: dark (the default, for screens and
// dim rooms) or light (for projectors in bright lecture halls and for print). Data colours
// (particles, tokens, colormaps) stay the same in both; the background, grid, axes, text, its
// boxes and the neutral "ink" of lines and arrows swap. The GUI sets it each frame (View >
// Light theme), the CLI from --theme.
#include <glm/glm.hpp>

#include <string>

namespace flowscope {

enum class ThemeKind { Dark, Light };

struct Theme {
  glm::vec4 background;  // the clear colour (linear RGB)
  glm::vec4 grid, axis;
  glm::vec4 text, textBox;  // captions and the translucent box behind them
  glm::vec4 ink;            // neutral lines and arrows (alpha: each layer's own)
  glm::vec4 box;            // insets' and strips' backing
  glm::vec4 inkSoft;        // fields of many arrows, quieter than the ink
};

const Theme& theme();  // the active theme
const Theme& themeOf(ThemeKind kind);
ThemeKind activeTheme();
void setTheme(ThemeKind kind);  // for what is drawn next
// The neutral ink at an alpha.
inline glm::vec4 ink(float alpha) {
  return {theme().ink.r, theme().ink.g, theme().ink.b, alpha};
}
inline glm::vec4 inkSoft(float alpha) {
  return {theme().inkSoft.r, theme().inkSoft.g, theme().inkSoft.b, alpha};
}
// Class colours (Okabe & Ito's colour-blind-safe palette), by label modulo 8: orange,
// sky blue, bluish green, yellow, blue, vermillion, reddish purple, grey. The same in both themes.
glm::vec4 classColor(int label, float alpha = 1.0f);
std::string themeName(ThemeKind kind);                                    // "dark" | "light"
ThemeKind parseTheme(const std::string& name, const std::string& field);  // InputError naming field

}  // namespace flowscope
