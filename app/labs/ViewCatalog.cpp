#include "ViewCatalog.h"

#include <stdexcept>

#include "LabCatalog.h"

namespace flowscope {

std::unique_ptr<LabView> makeView(Lab& lab, EditErrors& edits) {
#define FLOWSCOPE_VIEW_FOR(Name) \
  if (lab.info().id == describe##Name##Lab().id) return make##Name##View(lab, edits);
  FLOWSCOPE_LABS(FLOWSCOPE_VIEW_FOR)
#undef FLOWSCOPE_VIEW_FOR
  throw std::logic_error("no view for the lab '" + lab.info().id + "' (LabList.h)");
}

}  // namespace flowscope
