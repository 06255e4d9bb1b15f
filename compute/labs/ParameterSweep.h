#pragma once
// A parameter sweep for videos: one numeric field of a scene JSON, named by its dotted path
// ("transport.epsilon", "sampling.steps", "camera.height"), taken from one value to another over
// the frames, linearly or geometrically. Any lab's scene: the lab validates each frame's scene as
// it would a file (InputError naming the field).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace flowscope {

struct SweepSpec {
  std::string field;  // dotted path into the scene JSON
  double from = 0.0, to = 1.0;
  bool geometric = false;  // from * (to / from)^u, for scale parameters (eps, sigma)
};

// "FIELD=FROM:TO" (InputError naming `option` on anything else); geometric as given.
SweepSpec parseSweep(const std::string& text, bool geometric, const std::string& option);
// The value at u in [0, 1].
double sweepValue(const SweepSpec& s, double u);
// `scene` with the field set to `value` (rounded when the scene holds an integer there);
// InputError when the scene has no number at that path, listing the numeric fields it has.
nlohmann::json sweptScene(const nlohmann::json& scene, const SweepSpec& s, double value);
// The number at the field's path (InputError as sweptScene's when there is none).
double fieldValue(const nlohmann::json& scene, const std::string& field);
// Every numeric field of a scene, dotted (for the GUI's choice and the error message); arrays
// (point lists) are left out.
std::vector<std::string> numericFields(const nlohmann::json& scene);

}  // namespace flowscope
