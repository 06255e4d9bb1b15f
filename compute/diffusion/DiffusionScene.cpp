#include "DiffusionScene.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "DiffusionSimulation.h"
#include "InputError.h"
#include "JsonFile.h"
#include "JsonReader.h"
#include "LearnedModel.h"
#include "OutputFiles.h"

namespace flowscope {
namespace {

using nlohmann::json;

json samplingJson(const DiffusionParams& p) {
  const ScheduleParams& k = p.schedule();
  const SamplerParams& sp = p.sampler();
  json j = {{"sampler", samplerKindName(sp.kind)},
            {"schedule", scheduleName(k.kind)},
            {"steps", k.steps},
            {"sigma_min", k.sigmaMin},
            {"sigma_max", k.sigmaMax},
            {"rho", k.rho},
            {"particles", p.particleCount()}};
  // Every parameter, also those of other samplers, so switching back restores them.
  j["spacing"] = spacingName(k.spacing);
  j["eta"] = sp.eta;
  j["s_churn"] = sp.sChurn;
  j["s_tmin"] = sp.sTmin;
  j["s_tmax"] = sp.sTmax;
  j["s_noise"] = sp.sNoise;
  j["langevin_eps"] = sp.langevinEps;
  j["langevin_steps"] = sp.langevinStepsPerLevel;
  const FlowCouplingParams& c = p.flowCoupling();
  j["coupling"] = {{"kind", flowCouplingName(c.kind)},
                   {"pairs", c.pairs},
                   {"epsilon", c.epsilon},
                   {"bandwidth", c.bandwidth}};
  const GuidanceSpec& g = p.guidance();
  j["guidance"] = {{"class", g.classLabel},
                   {"gamma", g.scale},
                   {"sigma_lo", g.sigmaLo},
                   {"sigma_hi", std::isinf(g.sigmaHi) ? json() : json(g.sigmaHi)},
                   {"autoguidance", g.autoguidance}};
  return j;
}

// "sampling.guidance": {"class", "gamma", "sigma_lo", "sigma_hi" (null: no bound),
// "autoguidance"}.
void readGuidance(const JsonReader& r, const json& s, DiffusionParams& p) {
  const json& j = r.object(s, "guidance", "sampling.guidance",
                           {"class", "gamma", "sigma_lo", "sigma_hi", "autoguidance"});
  GuidanceSpec g;
  g.classLabel = r.integer(j, "class", "sampling.guidance.class");
  g.scale = r.number(j, "gamma", "sampling.guidance.gamma");
  g.sigmaLo = r.number(j, "sigma_lo", "sampling.guidance.sigma_lo");
  if (j.contains("sigma_hi") && !j["sigma_hi"].is_null())
    g.sigmaHi = r.number(j, "sigma_hi", "sampling.guidance.sigma_hi");
  g.autoguidance = r.number(j, "autoguidance", "sampling.guidance.autoguidance");
  try {
    p.setGuidance(g);
  } catch (const InputError& e) {  // "guidance: ..." / "guidance_interval: ..." / "class: ..."
    const std::string why = e.what();
    const std::string key = why.substr(0, why.find(':'));
    const std::string field = key == "guidance"            ? "gamma"
                              : key == "guidance_interval" ? "sigma_lo"
                                                           : key;
    r.fail("sampling.guidance." + field, why.substr(why.find(": ") + 2));
  }
}

// "sampling": validators name their field ("sigma_min: ..."), re-thrown as "sampling.<field>".
void readSampling(const JsonReader& r, const json& j, DiffusionParams& p) {
  const json& s = r.object(j, "sampling", "sampling",
                           {"sampler", "schedule", "spacing", "steps", "sigma_min", "sigma_max",
                            "rho", "particles", "eta", "s_churn", "s_tmin", "s_tmax", "s_noise",
                            "langevin_eps", "langevin_steps", "coupling", "guidance"});
  auto optionalNumber = [&](const char* key, double fallback) {
    return s.contains(key) ? r.number(s, key, std::string("sampling.") + key) : fallback;
  };
  SamplerParams sp;
  ScheduleKind kind = ScheduleKind::Karras;
  r.apply("sampling.sampler",
          [&] { sp.kind = parseSamplerKind(r.string(s, "sampler", "sampling.sampler")); });
  r.apply("sampling.schedule",
          [&] { kind = parseSchedule(r.string(s, "schedule", "sampling.schedule")); });
  ScheduleParams k = defaultSchedule(kind, 1);
  if (s.contains("spacing"))
    r.apply("sampling.spacing",
            [&] { k.spacing = parseSpacing(r.string(s, "spacing", "sampling.spacing")); });
  k.steps = r.integer(s, "steps", "sampling.steps");
  k.sigmaMin = r.number(s, "sigma_min", "sampling.sigma_min");
  k.sigmaMax = r.number(s, "sigma_max", "sampling.sigma_max");
  k.rho = r.number(s, "rho", "sampling.rho");
  sp.eta = optionalNumber("eta", sp.eta);
  sp.sChurn = optionalNumber("s_churn", sp.sChurn);
  sp.sTmin = optionalNumber("s_tmin", sp.sTmin);
  sp.sTmax = optionalNumber("s_tmax", sp.sTmax);
  sp.sNoise = optionalNumber("s_noise", sp.sNoise);
  sp.langevinEps = optionalNumber("langevin_eps", sp.langevinEps);
  if (s.contains("langevin_steps"))
    sp.langevinStepsPerLevel = r.integer(s, "langevin_steps", "sampling.langevin_steps");
  try {
    p.setSampling(sp, k);
  } catch (const InputError& e) {
    std::string why = e.what();
    std::string key = why.substr(0, why.find(':'));
    std::replace(key.begin(), key.end(), '-', '_');
    r.fail("sampling." + key, why.substr(why.find(": ") + 2));
  }
  r.apply("sampling.particles",
          [&] { p.setParticleCount(r.integer(s, "particles", "sampling.particles")); });
  if (s.contains("coupling")) {  // optional: scenes written before it had none
    const json& c =
        r.object(s, "coupling", "sampling.coupling", {"kind", "pairs", "epsilon", "bandwidth"});
    FlowCouplingParams fc;
    r.apply("sampling.coupling.kind",
            [&] { fc.kind = parseFlowCoupling(r.string(c, "kind", "sampling.coupling.kind")); });
    fc.pairs = r.integer(c, "pairs", "sampling.coupling.pairs");
    fc.epsilon = r.number(c, "epsilon", "sampling.coupling.epsilon");
    fc.bandwidth = r.number(c, "bandwidth", "sampling.coupling.bandwidth");
    try {
      p.setFlowCoupling(fc);
    } catch (const InputError& e) {  // "coupling pairs: ..." -> sampling.coupling.pairs
      const std::string why = e.what();
      const std::string key = why.substr(0, why.find(':'));
      r.fail("sampling.coupling." + key.substr(key.find(' ') + 1), why.substr(why.find(": ") + 2));
    }
  }
  if (s.contains("guidance")) readGuidance(r, s, p);  // optional: older scenes have none
}

}  // namespace

DiffusionScene defaultDiffusionScene() {
  return DiffusionScene{};
}

DiffusionScene diffusionSceneFromJson(const json& j, const std::string& source) {
  JsonReader r(source);
  if (!j.is_object()) throw InputError(source + ": expected a JSON object");
  const std::set<std::string> top = {"flowscope_scene", "lab",     "seed",   "step", "playing",
                                     "sampling",        "display", "camera", "data", "model"};
  if (r.integer(j, "flowscope_scene", "flowscope_scene") != 1)
    r.fail("flowscope_scene", "unsupported version (this build reads 1)");
  if (const std::string lab = r.string(j, "lab", "lab"); lab == "transport")
    r.fail("lab",
           "a Transport lab scene: open it in the GUI (flowscope --scene) or check it "
           "with flowscope-cli scene; this reads Diffusion & Flow scenes");
  else if (lab != "gmm-diffusion")
    r.fail("lab", "unknown lab (valid: gmm-diffusion, transport)");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!top.count(it.key())) r.fail(it.key(), "unknown field");

  DiffusionScene scene;
  DiffusionParams& p = scene.params;
  if (!j.contains("seed") || !j["seed"].is_number_unsigned())
    r.fail("seed", "expected a non-negative integer");
  p.setSeed(j["seed"].get<uint64_t>());
  readSampling(r, j, p);

  const json& d = r.object(
      j, "display", "display",
      {"field", "heatmap", "trail_length", "steps_per_second", "show_particles", "show_trails",
       "show_field", "show_heatmap", "loop", "show_streamlines", "show_ghosts", "show_coupling",
       "show_paths", "show_time_strip", "split_view", "compare_sampler", "compare_at", "arrows"});
  r.apply("display.field", [&] { p.setField(parseField(r.string(d, "field", "display.field"))); });
  r.apply("display.heatmap",
          [&] { p.setHeatmap(parseHeatmap(r.string(d, "heatmap", "display.heatmap"))); });
  r.apply("display.trail_length",
          [&] { p.setTrailLength(r.integer(d, "trail_length", "display.trail_length")); });
  r.apply("display.steps_per_second", [&] {
    p.setPlaybackStepsPerSecond(r.number(d, "steps_per_second", "display.steps_per_second"));
  });
  p.setShowParticles(r.boolean(d, "show_particles", "display.show_particles"));
  p.setShowTrails(r.boolean(d, "show_trails", "display.show_trails"));
  p.setShowField(r.boolean(d, "show_field", "display.show_field"));
  p.setShowHeatmap(r.boolean(d, "show_heatmap", "display.show_heatmap"));
  p.setLoop(r.boolean(d, "loop", "display.loop"));
  // Added with the Diffusion & Flow lab; optional so earlier scene files still load.
  auto optionalFlag = [&](const char* key, void (DiffusionParams::*set)(bool)) {
    if (d.contains(key)) (p.*set)(r.boolean(d, key, std::string("display.") + key));
  };
  optionalFlag("show_streamlines", &DiffusionParams::setShowStreamlines);
  optionalFlag("show_ghosts", &DiffusionParams::setShowGhosts);
  optionalFlag("show_coupling", &DiffusionParams::setShowCoupling);
  optionalFlag("show_paths", &DiffusionParams::setShowPaths);
  optionalFlag("show_time_strip", &DiffusionParams::setShowTimeStrip);
  optionalFlag("split_view", &DiffusionParams::setSplitView);
  if (d.contains("arrows"))
    r.apply("display.arrows", [&] { p.setArrowsAcross(r.integer(d, "arrows", "display.arrows")); });
  if (d.contains("compare_at"))
    r.apply("display.compare_at", [&] {
      p.setCompareAt(parseCompareAt(r.string(d, "compare_at", "display.compare_at")));
    });
  if (d.contains("compare_sampler"))
    r.apply("display.compare_sampler", [&] {
      p.setCompareSampler(
          parseSamplerKind(r.string(d, "compare_sampler", "display.compare_sampler")));
    });

  scene.camera = r.camera(j);

  if (!j.contains("data")) r.fail("data", "missing");
  scene.data = dataSourceFromJson(j["data"], source, "data");
  if (j.contains("model")) {
    const json& m = r.object(j, "model", "model", {"kind", "path"});
    if (r.string(m, "kind", "model.kind") != "learned")
      r.fail("model.kind", "expected \"learned\" (omit \"model\" for the exact model)");
    scene.learned = r.string(m, "path", "model.path");
  }
  r.apply("model.path", [&] { scene.dataset = resolveModel(scene.data, scene.learned); });
  r.apply("sampling.particles", [&] {
    DiffusionSimulation::check(*scene.dataset,
                               {p.sampler(), p.schedule(), p.particleCount(), p.seed()}, nullptr);
  });
  scene.playing = r.boolean(j, "playing", "playing");
  scene.step = r.integer(j, "step", "step");
  if (scene.step < 0 || scene.step > p.schedule().steps)
    r.fail("step",
           "must be between 0 and sampling.steps (" + std::to_string(p.schedule().steps) + ")");
  return scene;
}

DiffusionScene loadDiffusionScene(const std::string& path) {
  return diffusionSceneFromJson(readJsonFile(path), path);
}

json diffusionSceneToJson(const DiffusionScene& scene) {
  const DiffusionParams& p = scene.params;
  json j = {{"flowscope_scene", 1},
            {"lab", "gmm-diffusion"},
            {"seed", p.seed()},
            {"step", scene.step},
            {"playing", scene.playing},
            {"sampling", samplingJson(p)},
            {"display",
             {{"field", fieldName(p.field())},
              {"heatmap", heatmapName(p.heatmap())},
              {"trail_length", p.trailLength()},
              {"steps_per_second", p.playbackStepsPerSecond()},
              {"show_particles", p.showParticles()},
              {"show_trails", p.showTrails()},
              {"show_field", p.showField()},
              {"show_heatmap", p.showHeatmap()},
              {"loop", p.loop()},
              {"show_streamlines", p.showStreamlines()},
              {"show_ghosts", p.showGhosts()},
              {"show_coupling", p.showCoupling()},
              {"show_paths", p.showPaths()},
              {"show_time_strip", p.showTimeStrip()},
              {"split_view", p.splitView()},
              {"compare_sampler", samplerKindName(p.compareSampler())},
              {"compare_at", compareAtName(p.compareAt())},
              {"arrows", p.arrowsAcross()}}},
            {"camera", cameraJson(scene.camera)},
            {"data", toJson(scene.data)}};
  if (!scene.learned.empty()) j["model"] = {{"kind", "learned"}, {"path", scene.learned}};
  return j;
}

std::shared_ptr<const Dataset> resolveModel(const DataSource& data, const std::string& learned) {
  auto loaded = resolve(data);
  if (learned.empty()) return loaded;
  return withLearnedModel(loaded, LearnedModel::load(learned), learned);
}

std::string diffusionSceneToString(const DiffusionScene& scene) {
  return diffusionSceneToJson(scene).dump(2) + "\n";
}

void saveDiffusionScene(const DiffusionScene& scene, const std::string& path) {
  writeFileAtomically(path, diffusionSceneToString(scene));
}

}  // namespace flowscope
