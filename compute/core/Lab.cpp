#include "Lab.h"

#include "InputError.h"
#include "JsonReader.h"
#include "OutputFiles.h"

namespace flowscope {

void Lab::receive(const nlohmann::json&) {
  throw InputError(info().title + " lab: takes no requests from other labs");
}

void Lab::showStep(int) {
  throw InputError(info().title + " lab: its scenes have no steps to show");
}

std::string sceneTag(const nlohmann::json& scene, const std::string& source) {
  JsonReader r(source);
  if (!scene.is_object()) throw InputError(source + ": expected a JSON object");
  if (r.integer(scene, "flowscope_scene", "flowscope_scene") != 1)
    r.fail("flowscope_scene", "unsupported version (this build reads 1)");
  return r.string(scene, "lab", "lab");
}

std::string sceneText(const Lab& lab) {
  return lab.sceneJson().dump(2) + "\n";
}

void saveScene(const Lab& lab, const std::string& path) {
  writeFileAtomically(path, sceneText(lab));
}

}  // namespace flowscope
