#pragma once
// Every lab's view (LabList.h), found by the lab.
#include <memory>

#include "EditErrors.h"
#include "Lab.h"
#include "LabList.h"
#include "LabView.h"

namespace flowscope {

// Each lab's view maker, in its own folder (app/<lab>/<Name>View.cpp).
#define FLOWSCOPE_DECLARE_VIEW(Name) \
  std::unique_ptr<LabView> make##Name##View(Lab& lab, EditErrors& edits);
FLOWSCOPE_LABS(FLOWSCOPE_DECLARE_VIEW)
#undef FLOWSCOPE_DECLARE_VIEW

// The view of `lab` (one of LabCatalog's labs), reporting rejected edits on `edits`.
std::unique_ptr<LabView> makeView(Lab& lab, EditErrors& edits);

}  // namespace flowscope
