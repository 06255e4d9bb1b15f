#pragma once
// Every lab of LabList.h, made fresh (its default state).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "Lab.h"
#include "LabList.h"

namespace flowscope {

// Each lab's description and maker, in its own folder (LabList.h).
#define FLOWSCOPE_DECLARE_LAB(Name)     \
  const LabInfo& describe##Name##Lab(); \
  std::unique_ptr<Lab> make##Name##Lab();
FLOWSCOPE_LABS(FLOWSCOPE_DECLARE_LAB)
#undef FLOWSCOPE_DECLARE_LAB

// One of each lab, in menu order, and their descriptions without making them.
std::vector<std::unique_ptr<Lab>> makeLabs();
std::vector<LabInfo> labInfos();
// The position in the list of the lab with this id, or of the one whose scene files carry this
// tag (InputError listing them, naming `source` and the field 'lab').
size_t labIndex(const std::string& id);
size_t labIndexForTag(const std::string& tag, const std::string& source);
// The lab with this id, fresh; InputError listing them.
std::unique_ptr<Lab> makeLab(const std::string& id);
// A scene file of any lab opened in a fresh lab of its kind (the CLI's --scene): `name` is a
// path, "default" (the Diffusion & Flow lab's default scene) or "default-<id>" (that lab's).
// InputError naming the file and field, or the built-in names.
std::unique_ptr<Lab> openLabScene(const std::string& name);
// The lab whose default scene `name` is ("default", "default-<id>"), or none.
std::optional<size_t> builtInScene(const std::string& name);
// "diffusion, transport, attention, rf" (for messages and --help).
std::string labIds();

}  // namespace flowscope
