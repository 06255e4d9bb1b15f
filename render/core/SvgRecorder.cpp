#include "SvgRecorder.h"

#include <cstdio>

namespace flowscope {
namespace {

SvgRecorder* current = nullptr;

std::string fmt(float v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", double(v));
  return buf;
}

// fill or stroke colour and its opacity, from linear 0..1 RGBA (drawn as is, like the PNG).
std::string paint(const char* what, glm::vec4 c) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s=\"#%02x%02x%02x\" %s-opacity=\"%.3f\"", what,
                int(glm::clamp(c.r, 0.0f, 1.0f) * 255.0f + 0.5f),
                int(glm::clamp(c.g, 0.0f, 1.0f) * 255.0f + 0.5f),
                int(glm::clamp(c.b, 0.0f, 1.0f) * 255.0f + 0.5f), what,
                double(glm::clamp(c.a, 0.0f, 1.0f)));
  return buf;
}

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) n |= uint32_t(uint8_t(bytes[i + 2]));
    out += digits[(n >> 18) & 63];
    out += digits[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[n & 63] : '=';
  }
  return out;
}

}  // namespace

SvgRecorder::SvgRecorder() {
  current = this;
}

SvgRecorder::~SvgRecorder() {
  if (current == this) current = nullptr;
}

SvgRecorder* SvgRecorder::active() {
  return current;
}

void SvgRecorder::line(glm::vec2 a, glm::vec2 b, float width, glm::vec4 color) {
  a += origin_, b += origin_;
  body_ += "<line x1=\"" + fmt(a.x) + "\" y1=\"" + fmt(a.y) + "\" x2=\"" + fmt(b.x) + "\" y2=\"" +
           fmt(b.y) + "\" stroke-width=\"" + fmt(width) + "\" " + paint("stroke", color) + "/>\n";
  ++count_;
}

void SvgRecorder::rect(glm::vec2 a, glm::vec2 b, glm::vec4 color) {
  a += origin_, b += origin_;
  const glm::vec2 lo = glm::min(a, b), hi = glm::max(a, b);
  body_ += "<rect x=\"" + fmt(lo.x) + "\" y=\"" + fmt(lo.y) + "\" width=\"" + fmt(hi.x - lo.x) +
           "\" height=\"" + fmt(hi.y - lo.y) + "\" " + paint("fill", color) + "/>\n";
  ++count_;
}

void SvgRecorder::circle(glm::vec2 centre, float radius, glm::vec4 color) {
  centre += origin_;
  body_ += "<circle cx=\"" + fmt(centre.x) + "\" cy=\"" + fmt(centre.y) + "\" r=\"" + fmt(radius) +
           "\" " + paint("fill", color) + "/>\n";
  ++count_;
}

void SvgRecorder::text(glm::vec2 at, float ascent, float size, const std::string& utf8,
                       glm::vec4 color) {
  at += origin_;
  body_ += "<text x=\"" + fmt(at.x) + "\" y=\"" + fmt(at.y + ascent) + "\" font-size=\"" +
           fmt(size) + "\" " + paint("fill", color) + ">" + escaped(utf8) + "</text>\n";
  ++count_;
}

std::string SvgRecorder::document(int width, int height, const std::string& backgroundPng,
                                  float scale) const {
  const std::string w = std::to_string(width), h = std::to_string(height);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" "
         "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"" +
         w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h +
         "\">\n<!-- Flowscope: the GPU layers as an image, the overlay as vectors -->\n"
         "<image x=\"0\" y=\"0\" width=\"" +
         w + "\" height=\"" + h + "\" xlink:href=\"data:image/png;base64," + base64(backgroundPng) +
         "\"/>\n" + "<g transform=\"scale(" + fmt(scale) +
         ")\" font-family=\"DejaVu Sans, sans-serif\" stroke-linecap=\"butt\" "
         "xml:space=\"preserve\">\n" +
         body_ + "</g>\n</svg>\n";
}

}  // namespace flowscope
