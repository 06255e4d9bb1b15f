#pragma once
// The labs, in menu order (Ctrl+1, Ctrl+2, ...): one line a lab. A name N stands for the lab's
// parts in every layer, each in the lab's own folder:
//   compute/<n>/: const LabInfo& describeNLab(), std::unique_ptr<Lab> makeNLab() (LabCatalog)
//   render/<n>/:  std::unique_ptr<LabRenderer> makeNRenderer(...)       (RendererCatalog.h)
//   app/<n>/:     std::unique_ptr<LabView> makeNView(...)               (ViewCatalog.h)
// Adding a lab is a folder per layer and one line here.
#define FLOWSCOPE_LABS(LAB) \
  LAB(Diffusion)            \
  LAB(Transport)            \
  LAB(Attention)            \
  LAB(Rf)                   \
  LAB(Training)             \
  LAB(Flows)                \
  LAB(Estimators)
