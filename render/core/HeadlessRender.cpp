#include "HeadlessRender.h"

#include <stb/stb_image_write.h>

#include <stdexcept>

#include "OutputFiles.h"

namespace flowscope {

std::string encodePng(const RenderedImage& image) {
  std::string bytes;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
  };
  if (!stbi_write_png_to_func(append, &bytes, int(image.width), int(image.height), 4,
                              image.rgba.data(), int(image.width) * 4))
    throw std::runtime_error("PNG encoder failed");
  return bytes;
}

void writePng(const std::string& path, const RenderedImage& image) {
  writeFileAtomically(path, encodePng(image));
}

}  // namespace flowscope
