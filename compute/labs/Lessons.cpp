#include "Lessons.h"

#include <algorithm>
#include <filesystem>

#include "InputError.h"
#include "JsonFile.h"
#include "LabCatalog.h"
#include "Resources.h"

namespace flowscope {

std::optional<LessonNote> lessonOf(const nlohmann::json& scene, const std::string& source) {
  if (!scene.is_object() || !scene.contains("lesson")) return std::nullopt;
  const nlohmann::json& l = scene["lesson"];
  const auto text = [&](const char* key) {
    if (!l.is_object() || !l.contains(key) || !l[key].is_string() ||
        l[key].get<std::string>().empty())
      throw InputError(source + ": field 'lesson." + key + "': expected a non-empty string");
    return l[key].get<std::string>();
  };
  return LessonNote{text("title"), text("note")};
}

nlohmann::json withoutLesson(nlohmann::json scene) {
  if (scene.is_object()) scene.erase("lesson");
  return scene;
}

const std::vector<Lesson>& shippedLessons() {
  static const std::vector<Lesson> lessons = [] {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(assetPath("lessons")))
      if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    std::vector<Lesson> out;
    for (const std::string& file : files) {
      const nlohmann::json j = readJsonFile(file);
      const std::optional<LessonNote> note = lessonOf(j, file);
      if (!note) throw InputError(file + ": field 'lesson': missing");
      out.push_back({file, *note, labIndexForTag(sceneTag(j, file), file)});
    }
    return out;
  }();
  return lessons;
}

}  // namespace flowscope
