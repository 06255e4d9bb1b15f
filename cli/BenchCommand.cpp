// flowscope-cli bench: performance figures, as medians.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "AttentionKernel.h"
#include "CliCommon.h"
#include "DenseSinkhorn.h"
#include "DiffusionHeadless.h"
#include "DiffusionParams.h"
#include "DiffusionSimulation.h"
#include "ExactTransport.h"
#include "FastAttention.h"
#include "FastSinkhorn.h"
#include "FlowTrainer.h"
#include "InputError.h"
#include "Metrics.h"
#include "ReceptiveField.h"
#include "ReceptiveFieldKernel.h"
#include "Rng.h"
#include "SinkhornKernel.h"
#include "Trainer.h"
#include "TransportLab.h"

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
  double memoryMiB = -1.0;  // the computation's working memory, where it is reported
};

constexpr int kParticles = 1 << 20;

// One step (the middle one of an 18-step run on the sampler's default schedule) for 1M particles.
struct StepSetup {
  SamplingConfig config;
  std::vector<NoiseLevel> levels;
  StepContext ctx;
  explicit StepSetup(SamplerKind kind) {
    config.sampler.kind = kind;
    config.sampler.sChurn = 10.0;
    config.schedule = defaultSchedule(customarySchedule(kind), 18);
    levels = buildSchedule(config.schedule);
    ctx = makeStepContext(config.sampler, levels, 9, 1u);
  }
};

Result stepGpu(const GpuContext& gpu, const Dataset& data, SamplerKind kind, int runs) {
  StepSetup setup(kind);
  GpuModelData model(gpu, data);
  auto noise = DiffusionSimulation::initialNoise(kParticles, 1, setup.levels[9].tau);
  GpuBuffer states(gpu, 2ull * kParticles * sizeof(ParticleState), kStorageUsage,
                   MemoryKind::DeviceLocal);
  states.upload(std::span<const ParticleState>(noise));
  SamplerKernel kernel(gpu, kind);
  VkDescriptorSet set = kernel.bind(model, states);
  SamplerPush push = makeSamplerPush(setup.ctx, model, kParticles, 0, kParticles);
  std::vector<double> wall, device;
  for (int r = 0; r < runs + 1; ++r) {
    auto start = Clock::now();
    double d = gpu.submitTimed([&](VkCommandBuffer cmd) { kernel.record(cmd, set, push); });
    if (r == 0) continue;  // warm-up: the first dispatch pays for lazy driver work
    wall.push_back(msSince(start));
    device.push_back(d);
  }
  return {"step_" + samplerKindName(kind) + "_1M_gmm8", "gpu", median(wall),
          gpu.timestampsSupported() ? median(device) : -1.0, runs};
}

Result stepCpu(const Dataset& data, SamplerKind kind, int runs) {
  StepSetup setup(kind);
  auto src = DiffusionSimulation::initialNoise(kParticles, 1, setup.levels[9].tau);
  std::vector<ParticleState> dst(src.size());
  std::vector<double> wall;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    samplerStepCpu(data.model(), setup.ctx, src, dst);
    wall.push_back(msSince(start));
  }
  return {"step_" + samplerKindName(kind) + "_1M_gmm8", "cpu", median(wall), -1.0, runs};
}

// The empirical ideal denoiser D(x; sigma = 0.5) on a 512 x 512 grid over 4,000 data points
// (the field kernel in denoiser mode: one streaming softmax over the data per query).
Result empiricalDenoiser(const GpuContext* gpu, int runs) {
  Dataset data;
  data.points.emplace(presetPoints("moons", 4000, 0), "moons");
  View2D view;
  GridSpec grid = GridSpec::covering(view, 512, 512, 512, 512);
  std::vector<double> wall;
  if (!gpu) {
    for (int r = 0; r < runs; ++r) {
      auto start = Clock::now();
      fieldGridCpu(*data.points, grid, 1.0, 0.5, FieldKind::DenoiserDisplacement);
      wall.push_back(msSince(start));
    }
    return {"empirical_denoiser_512x512_x4000", "cpu", median(wall), -1.0, runs};
  }
  GpuModelData model(*gpu, data);
  GpuBuffer out(*gpu, fieldBufferBytes(512 * 512), kStorageUsage, MemoryKind::DeviceLocal);
  FieldGridKernel kernel(*gpu);
  VkDescriptorSet set = kernel.bind(model.mixture(), out, model.points());
  GridPush push = makeGridPush(grid, model.ref(), FieldKind::DenoiserDisplacement, 1.0, 0.5);
  std::vector<double> device;
  for (int r = 0; r < runs + 1; ++r) {
    auto start = Clock::now();
    double d = gpu->submitTimed([&](VkCommandBuffer cmd) { kernel.record(cmd, set, out, push); });
    if (r == 0) continue;
    wall.push_back(msSince(start));
    device.push_back(d);
  }
  return {"empirical_denoiser_512x512_x4000", "gpu", median(wall),
          gpu->timestampsSupported() ? median(device) : -1.0, runs};
}

// Uniform random points in the unit square, seeded: the OT benchmarks' data.
Measure unitSquare(size_t n, uint64_t seed) {
  Pcg32 rng(seed, 23u);
  std::vector<glm::dvec2> p(n);
  for (auto& x : p) x = {rng.uniform(), rng.uniform()};
  return Measure::uniform(std::move(p));
}

// One Sinkhorn solve to an L1 marginal error of 1e-4 on unit-square points, `runs` times;
// solve(a, b, options) is timed whole (set-up included).
template <typename Solve>
Result sinkhornCase(const std::string& kind, const std::string& backend, size_t n, double eps,
                    int runs, Solve&& solve) {
  Measure a = unitSquare(n, 1), b = unitSquare(n, 2);
  SinkhornOptions o;
  o.epsilon = eps;
  o.tolerance = 1e-4;
  std::vector<double> wall;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    SinkhornResult res = solve(a, b, o);
    wall.push_back(msSince(start));
    if (res.status != SolveStatus::Converged)
      throw std::runtime_error("bench " + kind + ": " + res.message);
  }
  char name[80];
  std::snprintf(name, sizeof(name), "%s_%zux%zu_eps%g_tol1e-4", kind.c_str(), n, n, eps);
  return {name, backend, median(wall), -1.0, runs};
}

Result gpuSinkhornCase(const GpuContext& gpu, size_t n, double eps, int runs) {
  return sinkhornCase("sinkhorn", "gpu", n, eps, runs, [&](auto& a, auto& b, auto& o) {
    return GpuSinkhorn(gpu, a, b, CostKind::SqEuclidean).solve(o);
  });
}

// The fast CPU backend (FastSinkhorn, float32 kernel) on the same data: one solve from zero
// potentials, set-up included.
Result fastSinkhornCase(size_t n, double eps, int runs) {
  return sinkhornCase("sinkhorn", "cpu_f32", n, eps, runs, [](auto& a, auto& b, auto& o) {
    return FastSinkhorn(a, b, CostKind::SqEuclidean).solve(o);
  });
}

// The double-precision solver (DenseSinkhorn: the Transport lab's, the fast path's reference).
Result denseSinkhornCase(size_t n, double eps, int runs) {
  return sinkhornCase("sinkhorn", "cpu_f64_ref", n, eps, runs, [](auto& a, auto& b, auto& o) {
    return DenseSinkhorn(a, b, CostKind::SqEuclidean).solve(o, false);
  });
}

// Dragging a point in the lab: after a converged solve, one point moves by 0.01 (a few pixels)
// per frame and the plan is re-solved warm to the same tolerance; the median of those re-solves.
Result dragCase(size_t n, double eps, int runs) {
  Measure a = unitSquare(n, 1), b = unitSquare(n, 2);
  SinkhornOptions o;
  o.epsilon = eps;
  o.tolerance = 1e-4;
  DenseSinkhorn solver(a, b, CostKind::SqEuclidean);
  if (solver.solve(o, false).status != SolveStatus::Converged)
    throw std::runtime_error("bench drag: the first solve did not converge");
  glm::dvec2 p = a.points[0];
  std::vector<double> wall;
  for (int r = 0; r < std::max(runs, 5); ++r) {
    p += glm::dvec2(0.01, 0.005);
    auto start = Clock::now();
    solver.movePoint(false, 0, p);
    SinkhornResult res = solver.solve(o, true);
    wall.push_back(msSince(start));
    if (res.status != SolveStatus::Converged)
      throw std::runtime_error("bench drag: " + res.message);
  }
  char name[64];
  std::snprintf(name, sizeof(name), "ot_drag_resolve_%zux%zu_eps%g", n, n, eps);
  return {name, "cpu", median(wall), -1.0, int(wall.size())};
}

// The Transport lab's default scene, solved; then an eps edit (0.01 <-> 0.02, a warm re-solve)
// and the time the frame's update() is blocked: the whole re-solve in place (the CLI's and the
// headless render's way), or the start of the worker in the background (the GUI's way, the solve
// finishing off the frame).
Result labEditCase(bool background, int runs) {
  TransportSettings settings;
  settings.showInterpolation = true;
  TransportLab lab(settings);
  lab.setBackgroundWork(background);
  lab.settle({});
  std::vector<double> wall;
  for (int r = 0; r < std::max(runs, 5); ++r) {
    lab.setEpsilon(r % 2 == 0 ? 0.02 : 0.01);
    auto start = Clock::now();
    lab.update();
    wall.push_back(msSince(start));
    lab.settle({});
    if (lab.solution().status != SolveStatus::Converged)
      throw std::runtime_error("bench transport_lab_edit: " + lab.solution().message);
  }
  return {"transport_lab_edit_frame_block", background ? "background" : "in_place", median(wall),
          -1.0, int(wall.size())};
}

// The lab's potential heatmap at 1280x800 (the renderer's 12 px nodes): recomputed after every
// re-solve and camera move.
Result potentialGridCase(int runs) {
  TransportSettings settings;
  settings.potential = PotentialShown::Source;
  TransportLab lab(settings);
  lab.settle({});
  std::vector<double> wall;
  for (int r = 0; r < std::max(runs, 5); ++r) {
    auto start = Clock::now();
    const ScalarGrid g = lab.potentialGrid(lab.camera(), 1280, 800, 12);
    wall.push_back(msSince(start));
    if (g.values.empty()) throw std::runtime_error("bench transport_potential: no grid");
  }
  return {"transport_potential_grid_1280x800", "cpu", median(wall), -1.0, int(wall.size())};
}

// One training step (minibatch, forward, loss, backward, Adam, EMA) on the 8-component ring:
// (a) a 3 x 64 ELU flow-matching MLP, batch 1,000 (Diffusion Explorer's setting); (b) a 4 x 256
// SiLU EDM denoiser, batch 4,096. Median ms a step after two untimed ones. `gpu`: the Vulkan
// trainer's device.
template <class TrainerType>
Result trainCase(bool large, const char* backend, int runs, const GpuContext* gpu = nullptr) {
  TrainingSpec spec;
  spec.network.width = large ? 256 : 64;
  spec.network.depth = large ? 4 : 3;
  spec.network.activation = large ? Activation::Silu : Activation::Elu;
  spec.objective.kind = large ? ObjectiveKind::Edm : ObjectiveKind::Flow;
  spec.batch = large ? 4096 : 1000;
  const Dataset data = loadDataset("gmm8");
  TrainerType trainer(spec, data.sample(4096, 1), gpu);
  std::vector<double> wall;
  for (int r = 0; r < std::max(runs, 5) + 2; ++r) {
    auto start = Clock::now();
    const double loss = trainer.step();
    if (!std::isfinite(loss)) throw std::runtime_error("bench train: the loss is not finite");
    if (r >= 2) wall.push_back(msSince(start));
  }
  return {large ? "train_step_4x256_silu_edm_b4096" : "train_step_3x64_elu_flow_b1000", backend,
          median(wall), -1.0, int(wall.size())};
}

Result exactCase(size_t n, int runs) {
  Measure a = unitSquare(n, 3), b = unitSquare(n, 4);
  std::vector<double> wall;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    exactTransport(a, b, CostKind::SqEuclidean);
    wall.push_back(msSince(start));
  }
  return {"exact_ot_" + std::to_string(n) + "x" + std::to_string(n), "cpu", median(wall), -1.0,
          runs};
}

Result renderDefault(const GpuContext& gpu, int runs) {
  DiffusionScene scene = defaultDiffusionScene();
  std::vector<double> wall;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    RenderedImage image = renderDiffusionScene(gpu, scene, 1280, 800);
    wall.push_back(msSince(start));
  }
  return {"render_default_scene_1280x800", "gpu", median(wall), -1.0, runs};
}

// Softmax attention, n = m tokens, d = dv = 64, one head, seeded N(0, 1) entries, as Matrix
// (double) inputs: every path's time includes its conversions. gpu: the streaming kernel's compute
// time after one untimed warm-up, memory = its device buffers (Q, K, V, O: 4 n d floats).
// cpu_f32: the fast CPU path (FastAttention.h), memory = its float copies and score tiles.
// cpu_f64_ref: the double reference. Both linear in n.
enum class AttentionPath { Gpu, FastCpu, Reference };

Result attentionCase(const GpuContext* gpu, AttentionPath path, AttentionKind kind, size_t n,
                     int runs) {
  const Matrix q = randomMatrix(n, 64, 61), k = randomMatrix(n, 64, 62),
               v = randomMatrix(n, 64, 63);
  AttentionOptions o;
  o.kind = kind;
  std::vector<double> wall;
  double memory = double(attentionFastCpuBytes(n, n, 64, 64)) / (1 << 20);
  if (path == AttentionPath::Gpu) {
    GpuAttention attention(*gpu);
    attention.run(q, k, v, o);  // warm-up: the driver compiles on first use
    for (int r = 0; r < runs; ++r) {
      auto result = attention.run(q, k, v, o);
      wall.push_back(result.computeMs);
      memory = double(result.deviceBytes) / (1 << 20);
    }
  } else {
    for (int r = 0; r < runs; ++r) {
      auto start = Clock::now();
      if (path == AttentionPath::FastCpu)
        attentionCpu(q, k, v, o);
      else
        attentionReference(q, k, v, o);
      wall.push_back(msSince(start));
    }
    if (path == AttentionPath::Reference) memory = double(4 * n * 64 * sizeof(double)) / (1 << 20);
  }
  const char* names[] = {"gpu", "cpu_f32", "cpu_f64_ref"};
  Result r{"attention_" + attentionKindName(kind) + "_" + std::to_string(n) + "_d64",
           names[int(path)], median(wall), -1.0, runs};
  r.memoryMiB = memory;
  return r;
}

// The effective receptive field of the centre unit of a 20-layer stack of 3x3 convolutions
// (padding 1) on a 512 x 512 input: uniform weights and no ReLU (the backward pass only), or
// random weights with ReLU (a forward pass too). Both backends report the computation only (GPU:
// the kernels from submit to completion, after a warm-up; CPU twin: double, every core).
Result erfCase(const GpuContext* gpu, bool reluRandom, int runs) {
  Architecture a{"stack20", 512, 512, {}};
  for (int i = 1; i <= 20; ++i) {
    RfLayer l;
    l.name = "conv" + std::to_string(i), l.kernel = 3, l.padding = 1;
    a.layers.push_back(l);
  }
  ErfOptions o;
  o.layer = "conv20";
  if (reluRandom) o.weights = RfWeights::Random, o.relu = true;
  std::unique_ptr<GpuReceptiveField> kernel;
  if (gpu) {
    kernel = std::make_unique<GpuReceptiveField>(*gpu);
    kernel->run(a, o);  // warm-up
  }
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r)
    ms.push_back(kernel ? kernel->run(a, o).computeMs : effectiveReceptiveFieldCpu(a, o).computeMs);
  Result r{std::string("erf_20x3x3_512_") + (reluRandom ? "relu_random" : "uniform_linear"),
           gpu ? "gpu" : "cpu", median(ms), -1.0, runs};
  if (kernel) r.memoryMiB = double(kernel->deviceBytes()) / (1 << 20);
  return r;
}

// Training steps of a RealNVP (8 affine couplings, conditioners 2 x 64 ReLU) by maximum likelihood
// on batch 1,024 of the 8-Gaussian ring (scripts/bench_flow_reference.py runs the same in PyTorch).
template <class Mlp>
Result flowCase(const char* backend, int runs) {
  FlowTrainingSpec spec;
  spec.flow.kind = FlowKind::RealNvp;
  spec.flow.layers = 8;
  spec.flow.width = 64;
  spec.flow.depth = 2;
  spec.flow.activation = Activation::Relu;
  spec.batch = 1024;
  spec.adam.totalSteps = 0;  // a constant rate
  FlowTrainer<Mlp, typename std::conditional_t<std::is_same_v<Mlp, ReferenceMlp>, double, float>>
      trainer(spec, loadDataset("gmm8").sample(4096, 1));
  std::vector<double> wall;
  for (int r = 0; r < std::max(runs, 5) + 2; ++r) {
    auto start = Clock::now();
    const double loss = trainer.step();
    if (!std::isfinite(loss)) throw std::runtime_error("bench flow: the NLL is not finite");
    if (r >= 2) wall.push_back(msSince(start));
  }
  return {"flow_train_step_realnvp8_2x64_b1024", backend, median(wall), -1.0, int(wall.size())};
}

int runBench(bool json, int runs, bool full, const std::string& only) {
  if (runs < 1 || runs > 1000) throw InputError("--runs: must be between 1 and 1000");
  Dataset gmm8 = loadDataset("gmm8");
  Backend backend = openBackend("gpu");
  std::vector<Result> results;
  auto wanted = [&](const std::string& name) {
    return only.empty() || name.find(only) != std::string::npos;
  };
  for (SamplerKind kind : allSamplers()) {
    if (!wanted("step_" + samplerKindName(kind))) continue;
    if (backend.gpu) results.push_back(stepGpu(*backend.gpu, gmm8, kind, 2 * runs + 1));
    results.push_back(stepCpu(gmm8, kind, full ? runs : 1));
  }
  if (wanted("empirical")) {
    if (backend.gpu) results.push_back(empiricalDenoiser(backend.gpu.get(), runs));
    if (full || !backend.gpu) results.push_back(empiricalDenoiser(nullptr, 1));
  }
  if (backend.gpu && wanted("render")) results.push_back(renderDefault(*backend.gpu, runs));
  for (auto [n, eps] : {std::pair<size_t, double>{4096, 0.05}, {1024, 0.01}}) {
    if (!wanted("sinkhorn")) break;
    const int sinkhornRuns = n > 1024 ? std::max(1, runs / 2) : runs;
    // Vulkan on a CPU device takes seconds a solve: with --full only.
    if (backend.gpu && (!backend.gpu->isCpu() || full))
      results.push_back(gpuSinkhornCase(*backend.gpu, n, eps, sinkhornRuns));
    results.push_back(fastSinkhornCase(n, eps, std::max(5, runs)));
    if (n <= 2048) results.push_back(denseSinkhornCase(n, eps, sinkhornRuns));
  }
  if (wanted("ot_drag")) results.push_back(dragCase(1000, 0.05, 4 * runs));
  if (wanted("exact_ot")) results.push_back(exactCase(2000, std::max(1, runs / 2)));
  if (wanted("transport_lab_edit"))
    for (bool background : {false, true}) results.push_back(labEditCase(background, runs));
  if (wanted("transport_potential")) results.push_back(potentialGridCase(runs));
  for (bool large : {false, true}) {
    if (!wanted(large ? "train_step_4x256" : "train_step_3x64")) continue;
    results.push_back(trainCase<FastCpuTrainer>(large, "cpu_f32", runs));
    results.push_back(trainCase<ReferenceTrainer>(large, "cpu_f64_ref", large ? 1 : runs));
    // On a CPU device (lavapipe) the Vulkan trainer is the wrong choice (0.4 s a small step, 36 s
    // a large one): the small case only, with --full.
    if (backend.gpu && (!backend.gpu->isCpu() || (full && !large)))
      results.push_back(trainCase<VulkanTrainer>(large, "gpu_f32", runs, backend.gpu.get()));
  }
  if (wanted("flow_train")) {
    results.push_back(flowCase<FastCpuMlp>("cpu_f32", 4 * runs));
    if (full) results.push_back(flowCase<ReferenceMlp>("cpu_f64_ref", runs));
  }
  for (size_t n : {size_t(4096), size_t(16384)}) {
    // Vulkan on a CPU device takes 1.4 s (4,096) and 24 s (16,384) a run: its large case, and
    // the double reference's (minutes), with --full only.
    const bool slowGpu = backend.gpu && backend.gpu->isCpu();
    if (wanted("attention_softmax")) {
      if (backend.gpu && (!slowGpu || n <= 4096 || full))
        results.push_back(attentionCase(backend.gpu.get(), AttentionPath::Gpu,
                                        AttentionKind::Softmax, n, slowGpu ? 3 : runs));
      results.push_back(attentionCase(nullptr, AttentionPath::FastCpu, AttentionKind::Softmax, n,
                                      std::max(5, runs)));
      if (full && n <= 4096)
        results.push_back(
            attentionCase(nullptr, AttentionPath::Reference, AttentionKind::Softmax, n, 1));
    }
    if (wanted("attention_linear") && backend.gpu)
      results.push_back(
          attentionCase(backend.gpu.get(), AttentionPath::Gpu, AttentionKind::LinearElu, n, runs));
  }

  for (bool reluRandom : {false, true})
    if (wanted(std::string("erf_20x3x3_512_") + (reluRandom ? "relu_random" : "uniform_linear"))) {
      if (backend.gpu) results.push_back(erfCase(backend.gpu.get(), reluRandom, runs));
      results.push_back(erfCase(nullptr, reluRandom, runs));
    }

  if (json) {
    nlohmann::json out{{"gpu_device", backend.gpu ? backend.gpu->info().name : "none"},
                       {"cpu", cpuDescription()},
                       {"benchmarks", nlohmann::json::array()}};
    for (const auto& r : results) {
      nlohmann::json row{
          {"name", r.name}, {"backend", r.backend}, {"median_ms", r.medianMs}, {"runs", r.runs}};
      if (r.deviceMedianMs >= 0) row["device_median_ms"] = r.deviceMedianMs;
      if (r.memoryMiB >= 0) row["memory_mib"] = r.memoryMiB;
      out["benchmarks"].push_back(row);
    }
    std::cout << out.dump(2) << "\n";
    return kOk;
  }
  std::printf("GPU: %s\nCPU: %s\n", backend.gpu ? backend.gpu->info().name.c_str() : "none",
              cpuDescription().c_str());
  std::printf("%-38s %-7s %10s %12s %5s %10s\n", "benchmark", "backend", "median ms", "device ms",
              "runs", "memory MiB");
  for (const auto& r : results)
    std::printf("%-38s %-7s %10.2f %12s %5d %10s\n", r.name.c_str(), r.backend.c_str(), r.medianMs,
                r.deviceMedianMs >= 0 ? std::to_string(r.deviceMedianMs).c_str() : "-", r.runs,
                r.memoryMiB >= 0 ? std::to_string(r.memoryMiB).c_str() : "-");
  return kOk;
}

}  // namespace

void addBenchCommand(CLI::App& app, Runner& run) {
  auto json = std::make_shared<bool>(false);
  auto full = std::make_shared<bool>(false);
  auto runs = std::make_shared<int>(5);
  auto only = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "bench",
      "Benchmarks, reported as medians, one row per path: gpu (Vulkan compute), cpu_f32 (the "
      "fast CPU path: float32, vectorised, every core), cpu or cpu_f64 (the double CPU twin) "
      "and cpu_f64_ref (the double reference). One step of every sampler for 1,048,576 particles "
      "on gmm8 (the middle step of 18 on its default schedule), GPU (wall clock of submit+wait; "
      "GPU timestamps where the queue has them) and CPU twin; the empirical ideal denoiser on a "
      "512x512 query grid over 4,000 points; the headless render of the default scene at "
      "1280x800; Sinkhorn on uniform points in the unit square, 4,096^2 at eps 0.05 and 1,024^2 "
      "at eps 0.01, to an L1 marginal error of 1e-4 (cpu_f32: FastSinkhorn; cpu_f64_ref: the "
      "double stored kernel, up to 2,048^2); exact OT 2,000^2 (CPU); the Transport lab's default "
      "scene: how long the frame's update() blocks after an eps edit, re-solving in place (CLI) "
      "or starting the background solve (GUI), and its potential heatmap at 1280x800; one "
      "training step (minibatch, forward, backward, Adam, EMA) of a 3x64 ELU flow-matching MLP "
      "at batch 1,000 and a 4x256 SiLU EDM denoiser at batch 4,096 on gmm8; softmax attention "
      "with n = m = 4,096 and 16,384, d = dv = 64 from double inputs (conversions included; "
      "memory = the working buffers, linear in n), and linear (elu+1) attention on the GPU; the "
      "effective receptive field of a 20-layer 3x3 stack on 512 x 512 (uniform linear, and random "
      "weights with ReLU), GPU against the double CPU twin. On a CPU Vulkan device (lavapipe) the "
      "slowest Vulkan rows run with --full only. scripts/bench_reference.sh, "
      "scripts/bench_ot_reference.sh and scripts/bench_attention_reference.sh put numpy, "
      "PyTorch and POT beside these in one run.");
  cmd->add_flag("--json", *json, "Print one JSON object");
  cmd->add_flag("--full", *full,
                "Also time every CPU twin --runs times (slow), the CPU empirical denoiser, the "
                "double attention reference, and on a CPU Vulkan device the Vulkan trainer's "
                "small case, Sinkhorn and 16,384-token attention");
  cmd->add_option("--only", *only, "Run only benchmarks whose name contains this");
  cmd->add_option("--runs", *runs, "Timed runs per benchmark (GPU sampler steps: 2*runs+1)")
      ->capture_default_str();
  cmd->callback([&run, json, runs, full, only] {
    run = [=] { return runBench(*json, *runs, *full, *only); };
  });
}

}  // namespace flowscope::cli
