#pragma once
// Shared GPU context for the GPU tests: created once with the validation layer on
// (FLOWSCOPE_VALIDATE=1 is set by ctest), and a test fails if it produced any validation message.
// Without a Vulkan device (or without the validation layer it asks for) the tests are skipped on
// a developer's machine; with FLOWSCOPE_REQUIRE_GPU=1 (scripts/test.sh, so CI) that is a failure
// saying what is missing, so the suite cannot pass without testing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "GpuContext.h"

namespace flowscope::testing {

inline bool gpuRequired() {
  const char* v = std::getenv("FLOWSCOPE_REQUIRE_GPU");
  return v && std::strcmp(v, "1") == 0;
}

struct SharedGpu {
  std::unique_ptr<GpuContext> ctx;
  std::string missing;  // why there is none
};

inline SharedGpu& sharedGpu() {
  static SharedGpu shared = [] {
    SharedGpu s;
    try {
      s.ctx = std::make_unique<GpuContext>(GpuContext::create());
    } catch (const GpuError& e) {
      s.missing = e.what();
    }
    return s;
  }();
  return shared;
}

class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gpu = sharedGpu().ctx.get();
    if (!gpu && gpuRequired())
      FAIL() << "FLOWSCOPE_REQUIRE_GPU=1 but no GPU context: " << sharedGpu().missing;
    if (!gpu) GTEST_SKIP() << "no Vulkan device: " << sharedGpu().missing;
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
