#include "ParameterSweep.h"

#include <cmath>
#include <sstream>

#include "InputError.h"

namespace flowscope {
namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  return parts;
}

double number(const std::string& text, const std::string& what) {
  size_t used = 0;
  double v = NAN;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || !std::isfinite(v))
    throw InputError(what + ": '" + text + "' is not a number");
  return v;
}

void collect(const nlohmann::json& j, const std::string& prefix, std::vector<std::string>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object())
      collect(*it, path, out);
    else if (it->is_number() && !it->is_boolean() && path != "flowscope_scene")
      out.push_back(path);  // (the file format's version is no parameter)
  }
}

// The number at a dotted path, or null (never a boolean, object or array).
template <class Json>
Json* numberAt(Json& scene, const std::string& field) {
  Json* at = &scene;
  for (const std::string& part : split(field)) {
    if (!at->is_object() || !at->contains(part)) return nullptr;
    at = &(*at)[part];
  }
  return at->is_number() && !at->is_boolean() ? at : nullptr;
}

[[noreturn]] void noNumber(const nlohmann::json& scene, const std::string& field) {
  std::string fields;
  for (const std::string& f : numericFields(scene)) fields += (fields.empty() ? "" : ", ") + f;
  throw InputError("--sweep: the scene has no number at '" + field + "' (it has: " + fields + ")");
}

}  // namespace

SweepSpec parseSweep(const std::string& text, bool geometric, const std::string& option) {
  const size_t eq = text.find('='), colon = text.find(':', eq == std::string::npos ? 0 : eq);
  if (eq == std::string::npos || eq == 0 || colon == std::string::npos)
    throw InputError(option + ": expected FIELD=FROM:TO, e.g. transport.epsilon=0.5:0.005 (got '" +
                     text + "')");
  SweepSpec s;
  s.field = text.substr(0, eq);
  s.from = number(text.substr(eq + 1, colon - eq - 1), option + " FROM");
  s.to = number(text.substr(colon + 1), option + " TO");
  s.geometric = geometric;
  if (geometric && !(s.from > 0.0 && s.to > 0.0))
    throw InputError(option + ": a geometric sweep needs FROM and TO above 0");
  return s;
}

double sweepValue(const SweepSpec& s, double u) {
  if (s.geometric) return s.from * std::pow(s.to / s.from, u);
  return s.from + (s.to - s.from) * u;
}

double fieldValue(const nlohmann::json& scene, const std::string& field) {
  const nlohmann::json* at = numberAt(scene, field);
  if (!at) noNumber(scene, field);
  return at->get<double>();
}

nlohmann::json sweptScene(const nlohmann::json& scene, const SweepSpec& s, double value) {
  nlohmann::json out = scene;
  nlohmann::json* at = numberAt(out, s.field);
  if (!at) noNumber(scene, s.field);
  if (at->is_number_integer())
    *at = std::llround(value);
  else
    *at = value;
  return out;
}

std::vector<std::string> numericFields(const nlohmann::json& scene) {
  std::vector<std::string> out;
  if (scene.is_object()) collect(scene, "", out);
  return out;
}

}  // namespace flowscope
