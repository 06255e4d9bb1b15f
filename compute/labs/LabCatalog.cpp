#include "LabCatalog.h"

#include <filesystem>
#include <iterator>

#include "InputError.h"
#include "JsonFile.h"
#include "Lessons.h"
#include "Resources.h"

namespace flowscope {

namespace {

struct Entry {
  const LabInfo& (*describe)();
  std::unique_ptr<Lab> (*make)();
};

#define FLOWSCOPE_LAB_ENTRY(Name) Entry{&describe##Name##Lab, &make##Name##Lab},
constexpr Entry kLabs[] = {FLOWSCOPE_LABS(FLOWSCOPE_LAB_ENTRY)};
#undef FLOWSCOPE_LAB_ENTRY

// "a, b, c": a field of every lab's description, each with `prefix`, for messages and --help.
std::string listed(std::string LabInfo::*field, const std::string& prefix = "") {
  std::string out;
  for (const Entry& e : kLabs) out += (out.empty() ? "" : ", ") + prefix + e.describe().*field;
  return out;
}

}  // namespace

std::vector<std::unique_ptr<Lab>> makeLabs() {
  std::vector<std::unique_ptr<Lab>> labs;
  for (const Entry& e : kLabs) labs.push_back(e.make());
  return labs;
}

std::vector<LabInfo> labInfos() {
  std::vector<LabInfo> infos;
  for (const Entry& e : kLabs) infos.push_back(e.describe());
  return infos;
}

std::string labIds() {
  return listed(&LabInfo::id);
}

size_t labIndex(const std::string& id) {
  for (size_t i = 0; i < std::size(kLabs); ++i)
    if (kLabs[i].describe().id == id) return i;
  throw InputError("lab: unknown '" + id + "' (valid: " + labIds() + ")");
}

size_t labIndexForTag(const std::string& tag, const std::string& source) {
  for (size_t i = 0; i < std::size(kLabs); ++i)
    if (kLabs[i].describe().sceneTag == tag) return i;
  throw InputError(source + ": field 'lab': unknown lab '" + tag +
                   "' (valid: " + listed(&LabInfo::sceneTag) + ")");
}

std::unique_ptr<Lab> makeLab(const std::string& id) {
  return kLabs[labIndex(id)].make();
}

std::optional<size_t> builtInScene(const std::string& name) {
  if (name == "default") return 0;
  for (size_t i = 0; i < std::size(kLabs); ++i)
    if (name == "default-" + kLabs[i].describe().id) return i;
  return std::nullopt;
}

std::unique_ptr<Lab> openLabScene(const std::string& name) {
  if (const auto builtIn = builtInScene(name)) return kLabs[*builtIn].make();
  // A misspelt built-in name (not a file either) gets the list rather than "cannot open".
  if (name.starts_with("default-") && !std::filesystem::exists(name)) {
    const std::string names = "default, " + listed(&LabInfo::id, "default-");
    throw InputError("--scene: no file or built-in scene '" + name + "' (built-in: " + names + ")");
  }
  const nlohmann::json j = readJsonFile(resolveAsset(name));
  std::unique_ptr<Lab> lab = kLabs[labIndexForTag(sceneTag(j, name), name)].make();
  lessonOf(j, name);  // a lesson's note is checked, and is not the lab's
  lab->openScene(withoutLesson(j), name);
  return lab;
}

}  // namespace flowscope
