#include "Backend.h"

#include "EnumNames.h"
#include "GpuContext.h"

namespace flowscope {
namespace {

const NamedValue<BackendChoice> kChoices[] = {
    {BackendChoice::Auto, "auto"}, {BackendChoice::Gpu, "gpu"}, {BackendChoice::Cpu, "cpu"}};

}  // namespace

std::string backendChoiceName(BackendChoice c) {
  return nameIn(kChoices, c);
}

BackendChoice parseBackendChoice(const std::string& name, const std::string& field) {
  return parseIn(kChoices, name, field);
}

bool runsOnVulkan(BackendChoice c, const GpuContext* gpu) {
  if (!gpu || c == BackendChoice::Cpu) return false;
  return c == BackendChoice::Gpu || !gpu->isCpu();
}

}  // namespace flowscope
