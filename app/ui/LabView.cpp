#include "LabView.h"

#include "InputError.h"

namespace flowscope {

void LabView::openData(const std::string& path) {
  throw InputError(path + ": the " + lab().info().title + " lab opens no data files");
}

}  // namespace flowscope
