// The shipped lessons: a dozen or more, across every lab, each with a title and a note, each
// opening in its lab and rendering; a malformed note is refused naming its field.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "GpuFixture.h"
#include "InputError.h"
#include "LabCatalog.h"
#include "Lessons.h"
#include "RendererCatalog.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

TEST(Lessons, ShipADozenAcrossEveryLab) {
  const std::vector<Lesson>& lessons = shippedLessons();
  ASSERT_GE(lessons.size(), 12u);
  std::set<size_t> labs;
  std::set<std::string> titles;
  for (const Lesson& l : lessons) {
    labs.insert(l.lab);
    titles.insert(l.note.title);
    EXPECT_GT(l.note.note.size(), 150u) << l.path;  // a paragraph, not a label
  }
  EXPECT_EQ(labs.size(), labInfos().size());
  EXPECT_EQ(titles.size(), lessons.size());  // no two alike
}

TEST(Lessons, MalformedNotesAreRefusedByName) {
  nlohmann::json scene = {{"lab", "transport"}, {"lesson", {{"title", "x"}}}};
  try {
    lessonOf(scene, "bad.json");
    FAIL() << "accepted a lesson without a note";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: field 'lesson.note'"), std::string::npos);
  }
  scene["lesson"] = {{"title", ""}, {"note", "n"}};
  EXPECT_THROW(lessonOf(scene, "bad.json"), InputError);
  EXPECT_FALSE(lessonOf(nlohmann::json{{"lab", "transport"}}, "plain.json").has_value());
  EXPECT_FALSE(withoutLesson(scene).contains("lesson"));
  // A scene file with a broken note does not open (the lab is not left half-changed: it is new).
  const std::string path = ::testing::TempDir() + "broken-lesson.json";
  nlohmann::json file = nlohmann::json::parse(std::ifstream(shippedLessons().front().path));
  file["lesson"] = {{"title", "t"}, {"note", 3}};
  std::ofstream(path) << file.dump();
  EXPECT_THROW(openLabScene(path), InputError);
}

class LessonRender : public GpuTest {};

TEST_F(LessonRender, EveryLessonOpensInItsLabAndRenders) {
  for (const Lesson& l : shippedLessons()) {
    SCOPED_TRACE(l.path);
    std::unique_ptr<Lab> lab = openLabScene(l.path);
    EXPECT_EQ(lab->info().id, labInfos()[l.lab].id);
    const RenderedImage im = renderLab(*gpu, *lab, 240, 150, {}, 1.0f);
    ASSERT_EQ(im.rgba.size(), 240u * 150u * 4u);
    std::set<uint32_t> colours;
    for (size_t p = 0; p < im.rgba.size(); p += 4 * 7)
      colours.insert(uint32_t(im.rgba[p]) << 16 | uint32_t(im.rgba[p + 1]) << 8 | im.rgba[p + 2]);
    EXPECT_GT(colours.size(), 20u);  // drawn, not a blank clear
  }
}
