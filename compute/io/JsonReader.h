#pragma once
// Field-by-field reading of JSON documents (scene files) with errors that name the file and the
// field: "<source>: field '<path>': <why>" (InputError).
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <string>

#include "InputError.h"
#include "Limits.h"
#include "View2D.h"

namespace flowscope {

class JsonReader {
 public:
  explicit JsonReader(std::string source) : source_(std::move(source)) {}
  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw InputError(source_ + ": field '" + field + "': " + why);
  }
  const nlohmann::json& object(const nlohmann::json& parent, const std::string& key,
                               const std::string& path, std::set<std::string> allowed) const {
    if (!parent.contains(key)) fail(path, "missing");
    const nlohmann::json& j = parent[key];
    if (!j.is_object()) fail(path, "expected an object");
    for (auto it = j.begin(); it != j.end(); ++it)
      if (!allowed.count(it.key())) fail(path + "." + it.key(), "unknown field");
    return j;
  }
  double number(const nlohmann::json& parent, const std::string& key,
                const std::string& path) const {
    if (!parent.contains(key)) fail(path, "missing");
    return number(parent[key], path);
  }
  double number(const nlohmann::json& j, const std::string& path) const {
    if (!j.is_number()) fail(path, "expected a number");
    double v = j.get<double>();
    if (!std::isfinite(v)) fail(path, "must be finite");
    return v;
  }
  int integer(const nlohmann::json& parent, const std::string& key, const std::string& path) const {
    if (!parent.contains(key)) fail(path, "missing");
    const nlohmann::json& j = parent[key];
    if (!j.is_number_integer()) fail(path, "expected an integer");
    long long v = j.get<long long>();
    if (v < -(1ll << 31) || v >= (1ll << 31)) fail(path, "out of range");
    return int(v);
  }
  bool boolean(const nlohmann::json& parent, const std::string& key,
               const std::string& path) const {
    if (!parent.contains(key)) fail(path, "missing");
    if (!parent[key].is_boolean()) fail(path, "expected true or false");
    return parent[key].get<bool>();
  }
  std::string string(const nlohmann::json& parent, const std::string& key,
                     const std::string& path) const {
    if (!parent.contains(key)) fail(path, "missing");
    if (!parent[key].is_string()) fail(path, "expected a string");
    return parent[key].get<std::string>();
  }
  glm::dvec2 pair(const nlohmann::json& j, const std::string& path) const {
    if (!j.is_array() || j.size() != 2) fail(path, "expected [x, y]");
    return {number(j[0], path + "[0]"), number(j[1], path + "[1]")};
  }
  // A pair within the accepted coordinates (Limits.h).
  glm::dvec2 point(const nlohmann::json& j, const std::string& path) const {
    const glm::dvec2 p = pair(j, path);
    apply(path, [&] { requirePoint(path, p.x, p.y); });
    return p;
  }
  // "camera": {"center": [x, y], "height": h}, as every scene file has it: the centre within the
  // accepted coordinates, 0 < h <= limits::kMaxViewHeight.
  View2D camera(const nlohmann::json& parent) const {
    const nlohmann::json& c = object(parent, "camera", "camera", {"center", "height"});
    View2D v;
    v.center = point(c.contains("center") ? c["center"] : nlohmann::json(), "camera.center");
    v.height = number(c, "height", "camera.height");
    if (!(v.height > 0.0 && v.height <= limits::kMaxViewHeight))
      fail("camera.height", "must be positive and at most " + formatNumber(limits::kMaxViewHeight));
    return v;
  }
  // Runs a validating setter; its InputError is re-thrown naming this file and field.
  template <typename Fn>
  void apply(const std::string& path, Fn&& fn) const {
    try {
      fn();
    } catch (const InputError& e) {
      std::string why = e.what();
      auto colon = why.find(": ");
      fail(path, colon == std::string::npos ? why : why.substr(colon + 2));
    }
  }
  // Runs a setter of a whole section (a lab's scene at once); its InputError starts with the name
  // of what it refused ("heads: must be at least 1", "layer 'x': not in ..."), and is re-thrown
  // naming this file and the field `section`.<that name> (`section` alone when it names none).
  template <typename Fn>
  void applySection(const std::string& section, Fn&& fn) const {
    try {
      fn();
    } catch (const InputError& e) {
      const std::string why = e.what();
      const size_t colon = why.find(": ");
      const size_t end = why.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.[]");
      if (colon == std::string::npos || end == 0 || end > colon) fail(section, why);
      if (end == colon) fail(section + "." + why.substr(0, end), why.substr(colon + 2));
      fail(section + "." + why.substr(0, end), why.substr(end + 1));
    }
  }

 private:
  std::string source_;
};

inline nlohmann::json cameraJson(const View2D& v) {
  return {{"center", {v.center.x, v.center.y}}, {"height", v.height}};
}

}  // namespace flowscope
