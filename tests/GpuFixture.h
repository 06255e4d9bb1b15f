#pragma once
// Shared GPU context for the GPU tests: created once with the validation layer on
// (FLOWSCOPE_VALIDATE=1 is set by ctest), tests are skipped when no Vulkan device exists, and a
// test fails if it produced any validation message.
#include <gtest/gtest.h>

#include <memory>

#include "GpuContext.h"

namespace flowscope::testing {

inline GpuContext* sharedGpu() {
  static std::unique_ptr<GpuContext> ctx = []() -> std::unique_ptr<GpuContext> {
    try {
      return std::make_unique<GpuContext>(GpuContext::create());
    } catch (const GpuError& e) {
      std::fprintf(stderr, "no GPU context: %s\n", e.what());
      return nullptr;
    }
  }();
  return ctx.get();
}

class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gpu = sharedGpu();
    if (!gpu) GTEST_SKIP() << "no Vulkan device";
    messagesBefore = gpu->validationMessageCount();
  }
  void TearDown() override {
    if (!gpu) return;
    gpu->waitIdle();
    EXPECT_EQ(gpu->validationMessageCount(), messagesBefore)
        << "validation message: " << gpu->lastValidationMessage();
  }
  GpuContext* gpu = nullptr;
  uint32_t messagesBefore = 0;
};

}  // namespace flowscope::testing
