#pragma once
// Lesson scenes: a scene file of any lab with a "lesson" field {"title", "note"} (a one-paragraph
// note the app shows beside the plot). The shipped ones are assets/lessons/*.json, in file-name
// order: the app's Lessons menu, Page Down / Page Up to step through them in class.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace flowscope {

struct LessonNote {
  std::string title, note;
};

// The scene's "lesson" field, if it has one (InputError naming `source` and the field when it is
// not {"title": non-empty string, "note": non-empty string}).
std::optional<LessonNote> lessonOf(const nlohmann::json& scene, const std::string& source);
// The scene as its lab reads it: without the "lesson" field.
nlohmann::json withoutLesson(nlohmann::json scene);

struct Lesson {
  std::string path;  // the scene file
  LessonNote note;
  size_t lab;  // the lab it opens in (LabCatalog's index)
};
// The shipped lessons, assets/lessons/*.json in file-name order (read and checked once).
const std::vector<Lesson>& shippedLessons();

}  // namespace flowscope
