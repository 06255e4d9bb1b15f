#pragma once
// Small ImGui helpers shared by the labs' panels.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "ControlRect.h"
#include "UiUnits.h"

namespace flowscope {

// A combo box over `all` of an enum, each shown by name(e); true when another was chosen.
template <class Enum, class Names>
bool enumCombo(const char* label, Enum& value, std::initializer_list<Enum> all, Names name) {
  bool changed = false;
  if (ImGui::BeginCombo(label, name(value).c_str())) {
    for (Enum e : all)
      if (ImGui::Selectable(name(e).c_str(), e == value)) value = e, changed = true;
    ImGui::EndCombo();
  }
  return changed;
}

// Records the last item's rectangle under `name` (GUI tests click there).
inline void remember(std::map<std::string, ControlRect>& rects, const char* name) {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  rects[name] = {a.x, a.y, b.x, b.y};
}

// SameLine() when `nextText` fits beside the last item, else the next item starts a new line.
inline void sameLineIfFits(const char* nextText) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x +
          ImGui::CalcTextSize(nextText).x <=
      right)
    ImGui::SameLine();
}

// Wrapped explanatory text in the disabled colour.
inline void hint(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

// A section the user can fold; `open` says how it starts.
inline bool foldable(const char* title, bool open) {
  ImGui::Spacing();
  return ImGui::CollapsingHeader(title, open ? ImGuiTreeNodeFlags_DefaultOpen : 0);
}

// A horizontal colour bar for a heatmap drawn in a panel: `title` (what the colour is), the
// ramp from `low` (left) to `high` (right), and the two values under its ends. Returns the
// bar's rectangle.
template <class Ramp>
ControlRect colorBarWidget(const char* id, const char* title, Ramp ramp, double low, double high,
                           float width) {
  ImGui::TextUnformatted(title);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float tall = ui(12);
  ImGui::InvisibleButton(id, ImVec2(width, tall));
  const ControlRect rect{o.x, o.y, o.x + width, o.y + tall};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  constexpr int kSlices = 64;
  for (int k = 0; k < kSlices; ++k)
    dl->AddRectFilled(ImVec2(o.x + width * float(k) / kSlices, o.y),
                      ImVec2(o.x + width * float(k + 1) / kSlices, o.y + tall),
                      ramp(double(k) / (kSlices - 1)));
  char lo[32], hi[32];
  std::snprintf(lo, sizeof(lo), "%.3g", low);
  std::snprintf(hi, sizeof(hi), "%.3g", high);
  ImGui::TextUnformatted(lo);
  ImGui::SameLine(
      std::max(0.0f, width - ImGui::CalcTextSize(hi).x + ImGui::GetStyle().WindowPadding.x));
  ImGui::TextUnformatted(hi);
  return rect;
}

constexpr ImU32 kCyan = IM_COL32(90, 215, 240, 255), kAmber = IM_COL32(250, 185, 80, 255),
                kGreen = IM_COL32(110, 240, 140, 255), kPink = IM_COL32(240, 100, 150, 255);

// Line chart of several series against x, with optional log scales, a legend and axis labels.
struct Series {
  const char* label;
  std::vector<double> y;
  ImU32 color;
};
inline void chart(const char* id, const std::vector<double>& x, const std::vector<Series>& series,
                  bool logX, bool logY, const char* xLabel, ImVec2 size) {
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(20, 22, 28, 255));
  auto tx = [&](double v) { return logX ? std::log10(std::max(v, 1e-12)) : v; };
  auto ty = [&](double v) { return logY ? std::log10(std::max(v, 1e-12)) : v; };
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (double v : x) x0 = std::min(x0, tx(v)), x1 = std::max(x1, tx(v));
  for (const auto& s : series)
    for (double v : s.y)
      if (std::isfinite(v)) y0 = std::min(y0, ty(v)), y1 = std::max(y1, ty(v));
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const float pad = ui(6);
  auto P = [&](double xv, double yv) {
    return ImVec2(
        o.x + pad + float((tx(xv) - x0) / (x1 - x0)) * (size.x - 2 * pad),
        o.y + size.y - pad - float((ty(yv) - y0) / (y1 - y0)) * (size.y - 2 * pad - ui(14)));
  };
  for (const auto& s : series)
    for (size_t i = 1; i < s.y.size() && i < x.size(); ++i)
      dl->AddLine(P(x[i - 1], s.y[i - 1]), P(x[i], s.y[i]), s.color, 2.0f);
  float lx = o.x + pad;
  for (const auto& s : series) {
    dl->AddText(ImVec2(lx, o.y + 2), s.color, s.label);
    lx += ImGui::CalcTextSize(s.label).x + ui(12);
  }
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s %.3g..%.3g; y %.3g..%.3g%s", xLabel,
                logX ? std::pow(10, x0) : x0, logX ? std::pow(10, x1) : x1,
                logY ? std::pow(10, y0) : y0, logY ? std::pow(10, y1) : y1, logY ? " (log)" : "");
  ImGui::TextDisabled("%s", buf);
}

}  // namespace flowscope
