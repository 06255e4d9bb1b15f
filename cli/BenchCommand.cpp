// flowscope-cli bench: the performance figures of the foundation, as medians.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "CliCommon.h"
#include "DiffusionSimulation.h"
#include "HeadlessRender.h"
#include "InputError.h"
#include "Metrics.h"

namespace flowscope::cli {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Result {
  std::string name, backend;
  double medianMs = 0.0, deviceMedianMs = -1.0;
  int runs = 0;
};

constexpr int kHeunParticles = 1 << 20;

Result heunStepGpu(const GpuContext& gpu, const GaussianMixture& m,
                   const std::vector<double>& sigmas, int runs) {
  auto comps = m.gpuComponents();
  GpuBuffer mix(gpu, comps.size() * sizeof(GpuMixtureComponent), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                MemoryKind::HostVisible);
  mix.upload(std::span<const GpuMixtureComponent>(comps));
  auto noise = DiffusionSimulation::initialNoise(kHeunParticles, 1, sigmas[9]);
  GpuBuffer states(gpu, 2ull * kHeunParticles * sizeof(glm::vec2), kStorageUsage,
                   MemoryKind::DeviceLocal);
  states.upload(std::span<const glm::vec2>(noise));
  EdmStepKernel kernel(gpu);
  VkDescriptorSet set = kernel.bind(mix, states);
  EdmStepPush push{uint32_t(kHeunParticles), uint32_t(comps.size()), 0, uint32_t(kHeunParticles),
                   float(sigmas[9]),         float(sigmas[10]),      1u};
  std::vector<double> wall, device;
  for (int r = 0; r < runs + 1; ++r) {
    auto start = Clock::now();
    double d = gpu.submitTimed([&](VkCommandBuffer cmd) { kernel.record(cmd, set, push); });
    if (r == 0) continue;  // warm-up: first dispatch pays for lazy driver work
    wall.push_back(msSince(start));
    device.push_back(d);
  }
  return {"heun_step_1M_particles_gmm8", "gpu", median(wall),
          gpu.timestampsSupported() ? median(device) : -1.0, runs};
}

Result heunStepCpu(const GaussianMixture& m, const std::vector<double>& sigmas, int runs) {
  auto src = DiffusionSimulation::initialNoise(kHeunParticles, 1, sigmas[9]);
  std::vector<glm::vec2> dst(src.size());
  std::vector<double> wall;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    edmStepCpu(m, EdmSamplerKind::Heun, sigmas[9], sigmas[10], src, dst);
    wall.push_back(msSince(start));
  }
  return {"heun_step_1M_particles_gmm8", "cpu", median(wall), -1.0, runs};
}

Result renderDefault(const GpuContext& gpu, int runs) {
  Scene scene = defaultScene();
  std::vector<double> wall;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    RenderedImage image = renderScene(gpu, scene, 1280, 800);
    wall.push_back(msSince(start));
  }
  return {"render_default_scene_1280x800", "gpu", median(wall), -1.0, runs};
}

int runBench(bool json, int runs) {
  if (runs < 1 || runs > 1000) throw InputError("--runs: must be between 1 and 1000");
  GaussianMixture m = GaussianMixture::ring(8);
  auto sigmas = karrasSigmas(KarrasParams{});
  Backend backend = openBackend("gpu");
  std::vector<Result> results;
  if (backend.gpu) results.push_back(heunStepGpu(*backend.gpu, m, sigmas, 2 * runs + 1));
  results.push_back(heunStepCpu(m, sigmas, runs));
  if (backend.gpu) results.push_back(renderDefault(*backend.gpu, runs));

  if (json) {
    nlohmann::json out{{"gpu_device", backend.gpu ? backend.gpu->info().name : "none"},
                       {"cpu", cpuDescription()},
                       {"benchmarks", nlohmann::json::array()}};
    for (const auto& r : results) {
      nlohmann::json row{
          {"name", r.name}, {"backend", r.backend}, {"median_ms", r.medianMs}, {"runs", r.runs}};
      if (r.deviceMedianMs >= 0) row["device_median_ms"] = r.deviceMedianMs;
      out["benchmarks"].push_back(row);
    }
    std::cout << out.dump(2) << "\n";
    return kOk;
  }
  std::printf("GPU: %s\nCPU: %s\n", backend.gpu ? backend.gpu->info().name.c_str() : "none",
              cpuDescription().c_str());
  std::printf("%-34s %-5s %12s %14s %5s\n", "benchmark", "backend", "median ms", "device ms",
              "runs");
  for (const auto& r : results)
    std::printf("%-34s %-7s %10.2f %14s %5d\n", r.name.c_str(), r.backend.c_str(), r.medianMs,
                r.deviceMedianMs >= 0 ? std::to_string(r.deviceMedianMs).c_str() : "-", r.runs);
  return kOk;
}

}  // namespace

void addBenchCommand(CLI::App& app, Runner& run) {
  auto json = std::make_shared<bool>(false);
  auto runs = std::make_shared<int>(5);
  auto* cmd = app.add_subcommand("bench",
                                 "Benchmarks, reported as medians: one Heun step (two denoiser "
                                 "evaluations a particle) for 1,048,576 "
                                 "particles on the 8-component ring mixture, on the GPU backend "
                                 "(wall clock of submit+wait, and GPU "
                                 "timestamps where the queue has them) and the CPU twin (all "
                                 "hardware threads); and the headless "
                                 "render of the default scene at 1280x800 (sampling to its step, "
                                 "drawing, PNG-ready readback).");
  cmd->add_flag("--json", *json, "Print one JSON object");
  cmd->add_option("--runs", *runs, "Timed runs per CPU benchmark (GPU step: 2*runs+1)")
      ->capture_default_str();
  cmd->callback([&run, json, runs] { run = [json, runs] { return runBench(*json, *runs); }; });
}

}  // namespace flowscope::cli
