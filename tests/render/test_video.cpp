// Videos through FFmpeg: what VideoWriter writes, read back with FFmpeg's decoders, has the
// frames, size and codec asked for; bad requests and abandoned recordings leave no file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "GpuFixture.h"
#include "InputError.h"
#include "LabCatalog.h"
#include "RendererCatalog.h"
#include "VideoWriter.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

namespace {

std::string tempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / name).string();
}

// A moving diagonal gradient, frame k of a w x h clip.
std::vector<uint8_t> gradient(int w, int h, int k) {
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgba[(size_t(y) * w + x) * 4];
      p[0] = uint8_t((x * 4 + k * 9) & 255), p[1] = uint8_t(y * 5), p[2] = uint8_t(k * 30),
      p[3] = 255;
    }
  return rgba;
}

}  // namespace

TEST(VideoWriter, WritesTheFramesAndSizeAskedForInMp4AndGif) {
  for (const char* name : {"clip.mp4", "clip.gif"}) {
    const std::string path = tempPath(name);
    std::filesystem::remove(path);
    VideoWriter video(path, 64, 48, 10);
    for (int k = 0; k < 7; ++k) video.write(gradient(64, 48, k).data());
    video.finish();
    const VideoInfo info = readVideoInfo(path);
    EXPECT_EQ(info.frames, 7) << name;
    EXPECT_EQ(info.width, 64) << name;
    EXPECT_EQ(info.height, 48) << name;
    EXPECT_NEAR(info.fps, 10.0, 0.01) << name;
    if (std::string(name).ends_with(".gif"))
      EXPECT_EQ(info.codec, "gif");
    else
      EXPECT_TRUE(info.codec == "h264" || info.codec == "mpeg4") << info.codec;
  }
}

TEST(VideoWriter, RefusesBadRequestsAndLeavesNoPartialFile) {
  EXPECT_THROW(VideoWriter(tempPath("clip.avi"), 64, 48, 10), InputError);
  EXPECT_THROW(VideoWriter(tempPath("odd.mp4"), 63, 48, 10), InputError);  // 4:2:0 needs even
  EXPECT_THROW(VideoWriter(tempPath("slow.gif"), 64, 48, 0), InputError);
  EXPECT_THROW(VideoWriter(tempPath("huge.gif"), 9000, 48, 10), InputError);
  // An abandoned recording: the existing file stays as it was, no partial file remains.
  const std::string path = tempPath("kept.mp4");
  std::ofstream(path) << "precious";
  {
    VideoWriter video(path, 32, 32, 5);
    video.write(gradient(32, 32, 0).data());
  }
  std::ifstream in(path);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "precious");
  for (const auto& entry : std::filesystem::directory_iterator(::testing::TempDir()))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos) << entry.path();
  EXPECT_THROW(readVideoInfo(path), InputError);  // not a video
}

class LabVideo : public GpuTest {};

// The Diffusion lab's run as a video: one frame per step by default, each the frame the PNG
// render shows at that step (the last frame is the end of the run).
TEST_F(LabVideo, RecordsEveryStepOfARunAndRefusesALabWithoutAnimation) {
  std::unique_ptr<Lab> lab = makeLab("diffusion");
  const std::string path = tempPath("run.gif");
  const int frames = lab->animationFrames();
  ASSERT_EQ(frames, lab->sceneSteps() + 1);
  int reported = 0;
  recordLabVideo(*gpu, *lab, path, 96, 64, 8, frames, [&](int k, int n) {
    EXPECT_EQ(n, frames);
    reported = k;
  });
  EXPECT_EQ(reported, frames);
  const VideoInfo info = readVideoInfo(path);
  EXPECT_EQ(info.frames, frames);
  EXPECT_EQ(info.width, 96);
  EXPECT_EQ(info.height, 64);
  std::unique_ptr<Lab> attention = makeLab("attention");
  try {
    recordLabVideo(*gpu, *attention, tempPath("none.mp4"), 96, 64, 8, 10);
    FAIL() << "recorded a lab without animation";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no animation"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(tempPath("none.mp4")));
}

// A parameter sweep of a lab without animation (Attention: the query token's bandwidth σ from
// 0.2 to 2, geometric): the frames asked for, the lab left on its scene; a field the scene does
// not have is refused before any file exists, naming the field.
TEST_F(LabVideo, SweepsAFieldOfAnyLabsScene) {
  std::unique_ptr<Lab> lab = makeLab("attention");
  const std::string before = lab->sceneJson().dump();
  const std::string path = tempPath("sweep.mp4");
  const SweepSpec sweep = parseSweep("attention.sigma=0.2:2", true, "--sweep");
  recordLabSweep(*gpu, *lab, sweep, path, 96, 64, 8, 6);
  const VideoInfo info = readVideoInfo(path);
  EXPECT_EQ(info.frames, 6);
  EXPECT_EQ(info.width, 96);
  EXPECT_EQ(info.height, 64);
  EXPECT_EQ(lab->sceneJson().dump(), before);
  try {
    recordLabSweep(*gpu, *lab, parseSweep("attention.nope=1:2", false, "--sweep"),
                   tempPath("none.mp4"), 96, 64, 8, 6);
    FAIL() << "swept a field the scene does not have";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("attention.nope"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("attention.sigma"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(tempPath("none.mp4")));
  EXPECT_EQ(lab->sceneJson().dump(), before);
}

// The sweep's values: linear and geometric ends and middle; integer fields rounded; bad specs
// refused with the option's name.
TEST(ParameterSweep, ValuesEndsAndParsing) {
  const SweepSpec lin = parseSweep("a.b=1:3", false, "--sweep");
  EXPECT_EQ(lin.field, "a.b");
  EXPECT_DOUBLE_EQ(sweepValue(lin, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(sweepValue(lin, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(sweepValue(lin, 1.0), 3.0);
  const SweepSpec geo = parseSweep("x=0.01:1", true, "--sweep");
  EXPECT_NEAR(sweepValue(geo, 0.5), 0.1, 1e-15);
  const nlohmann::json scene = {{"a", {{"b", 1.5}, {"n", 10}}}, {"flowscope_scene", 1}};
  EXPECT_DOUBLE_EQ(sweptScene(scene, lin, 2.25)["a"]["b"].get<double>(), 2.25);
  const nlohmann::json n = sweptScene(scene, parseSweep("a.n=1:2", false, "s"), 12.6);
  EXPECT_TRUE(n["a"]["n"].is_number_integer());
  EXPECT_EQ(n["a"]["n"].get<int>(), 13);
  EXPECT_EQ(numericFields(scene), (std::vector<std::string>{"a.b", "a.n"}));
  for (const char* bad : {"a.b", "=1:2", "a.b=1", "a.b=x:2", "a.b=1:inf"})
    EXPECT_THROW(parseSweep(bad, false, "--sweep"), InputError) << bad;
  EXPECT_THROW(parseSweep("a=0:1", true, "--sweep"), InputError);
}
