#pragma once
// Video files from rendered frames, encoded with FFmpeg's libraries (libavformat, libavcodec,
// libavfilter): .mp4 is H.264 (libx264, CRF 18, yuv420p; MPEG-4 Part 2 where libx264 is absent)
// and .gif one palette for the whole clip (palettegen, then paletteuse with Bayer dithering).
// The file is written under a temporary name beside the target and renamed when finished, so a
// failed or interrupted recording leaves no partial file and an existing one untouched.
#include <cstdint>
#include <memory>
#include <string>

namespace flowscope {

class VideoWriter {
 public:
  // `path` ends in .mp4 or .gif (InputError otherwise); width and height from 16 to 8192 (even
  // for .mp4), fps from 1 to 120.
  VideoWriter(const std::string& path, int width, int height, int fps);
  ~VideoWriter();  // without finish(): the partial file is removed
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;
  // One frame, RGBA rows top first (width x height x 4 bytes).
  void write(const uint8_t* rgba);
  // Flushes the encoder, writes the trailer and moves the file into place.
  void finish();
  int framesWritten() const { return written_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int written_ = 0;
};

// What a video file holds, read back with FFmpeg (every frame decoded and counted).
struct VideoInfo {
  int frames = 0, width = 0, height = 0;
  double fps = 0.0;
  std::string codec;
};
VideoInfo readVideoInfo(const std::string& path);

}  // namespace flowscope
