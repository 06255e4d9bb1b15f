#include "AttentionScene.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "InputError.h"
#include "JsonReader.h"

namespace flowscope {
namespace {

using nlohmann::json;

json projectionJson(const Projection& p) {
  return {{"kind", projectionKindName(p.kind)}, {"seed", p.seed}, {"path", p.path}};
}

Projection readProjection(const JsonReader& r, const json& parent, const std::string& key) {
  const std::string path = "attention.projections." + key;
  const json& j = r.object(parent, key, path, {"kind", "seed", "path"});
  Projection p;
  r.apply(path + ".kind",
          [&] { p.kind = parseProjectionKind(r.string(j, "kind", path + ".kind")); });
  if (!j.contains("seed") || !j["seed"].is_number_unsigned())
    r.fail(path + ".seed", "expected a non-negative integer");
  p.seed = j["seed"].get<uint64_t>();
  p.path = r.string(j, "path", path + ".path");
  return p;
}

Matrix readTokens(const JsonReader& r, const json& t) {
  const std::string path = "attention.tokens.rows";
  if (!t.contains("rows") || !t["rows"].is_array()) r.fail(path, "expected [[x, y, ...], ...]");
  const json& rows = t["rows"];
  if (rows.size() > size_t(AttentionLab::kMaxTokens))
    r.fail(path, "at most " + std::to_string(AttentionLab::kMaxTokens) + " tokens");
  Matrix m(0, rows.empty() ? 2 : 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    if (!rows[i].is_array() || rows[i].empty()) r.fail(at, "expected a row of numbers");
    if (i == 0) m.cols = rows[i].size();
    if (rows[i].size() != m.cols)
      r.fail(at,
             std::to_string(rows[i].size()) + " values, but row 0 has " + std::to_string(m.cols));
    for (size_t c = 0; c < m.cols; ++c)
      m.data.push_back(r.number(rows[i][c], at + "[" + std::to_string(c) + "]"));
    ++m.rows;
  }
  return m;
}

}  // namespace

json attentionSceneToJson(const AttentionScene& scene) {
  const AttentionSettings& s = scene.settings;
  const AttentionOptions& o = s.options;
  json rows = json::array();
  for (size_t i = 0; i < scene.tokens.rows; ++i)
    rows.push_back(
        std::vector<double>(scene.tokens.row(i), scene.tokens.row(i) + scene.tokens.cols));
  return {
      {"flowscope_scene", 1},
      {"lab", "attention"},
      {"attention",
       {{"tokens",
         {{"source", s.tokens}, {"count", s.count}, {"seed", s.tokenSeed}, {"rows", rows}}},
        {"projections",
         {{"q", projectionJson(s.wq)}, {"k", projectionJson(s.wk)}, {"v", projectionJson(s.wv)}}},
        {"kind", attentionKindName(o.kind)},
        {"scale", scaleText(o)},
        {"causal", o.causal},
        {"heads", o.heads},
        {"rope", o.rope},
        {"rope_base", o.ropeBase},
        {"features", o.features},
        {"feature_seed", o.seed},
        {"selected", scene.selected},
        {"show_lines", s.showLines},
        {"show_field", s.showField},
        {"show_compare", s.showCompare},
        {"compare_with", attentionKindName(s.compareWith)},
        {"diffusion_link", s.diffusionLink},
        {"sigma", s.sigma},
        {"noisy", {s.noisy.x, s.noisy.y}}}},
      {"camera", cameraJson(scene.camera)}};
}

AttentionScene attentionSceneFromJson(const json& j, const std::string& source) {
  JsonReader r(source);
  if (!j.is_object()) throw InputError(source + ": expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "flowscope_scene" && it.key() != "lab" && it.key() != "attention" &&
        it.key() != "camera")
      r.fail(it.key(), "unknown field");
  if (r.string(j, "lab", "lab") != "attention") r.fail("lab", "not an Attention lab scene");
  const json& a =
      r.object(j, "attention", "attention",
               {"tokens", "projections", "kind", "scale", "causal", "heads", "rope", "rope_base",
                "features", "feature_seed", "selected", "show_lines", "show_field", "show_compare",
                "compare_with", "diffusion_link", "sigma", "noisy"});
  AttentionScene scene;
  AttentionSettings& s = scene.settings;
  const json& t = r.object(a, "tokens", "attention.tokens", {"source", "count", "seed", "rows"});
  s.tokens = r.string(t, "source", "attention.tokens.source");
  s.count = r.integer(t, "count", "attention.tokens.count");
  if (!t.contains("seed") || !t["seed"].is_number_unsigned())
    r.fail("attention.tokens.seed", "expected a non-negative integer");
  s.tokenSeed = t["seed"].get<uint64_t>();
  scene.tokens = readTokens(r, t);
  const json& p = r.object(a, "projections", "attention.projections", {"q", "k", "v"});
  s.wq = readProjection(r, p, "q");
  s.wk = readProjection(r, p, "k");
  s.wv = readProjection(r, p, "v");
  AttentionOptions& o = s.options;
  r.apply("attention.kind",
          [&] { o.kind = parseAttentionKind(r.string(a, "kind", "attention.kind"), "kind"); });
  r.apply("attention.scale",
          [&] { parseScale(r.string(a, "scale", "attention.scale"), o, "scale"); });
  o.causal = r.boolean(a, "causal", "attention.causal");
  o.heads = r.integer(a, "heads", "attention.heads");
  o.rope = r.boolean(a, "rope", "attention.rope");
  o.ropeBase = r.number(a, "rope_base", "attention.rope_base");
  o.features = r.integer(a, "features", "attention.features");
  if (!a.contains("feature_seed") || !a["feature_seed"].is_number_unsigned())
    r.fail("attention.feature_seed", "expected a non-negative integer");
  o.seed = a["feature_seed"].get<uint64_t>();
  scene.selected = r.integer(a, "selected", "attention.selected");
  if (scene.selected < 0 || (scene.selected > 0 && size_t(scene.selected) >= scene.tokens.rows))
    r.fail("attention.selected", "must be a token's row (0.." +
                                     std::to_string(std::max<size_t>(scene.tokens.rows, 1) - 1) +
                                     ")");
  s.showLines = r.boolean(a, "show_lines", "attention.show_lines");
  s.showField = r.boolean(a, "show_field", "attention.show_field");
  s.showCompare = r.boolean(a, "show_compare", "attention.show_compare");
  r.apply("attention.compare_with", [&] {
    s.compareWith =
        parseAttentionKind(r.string(a, "compare_with", "attention.compare_with"), "compare_with");
  });
  s.diffusionLink = r.boolean(a, "diffusion_link", "attention.diffusion_link");
  s.sigma = r.number(a, "sigma", "attention.sigma");
  if (!a.contains("noisy")) r.fail("attention.noisy", "missing");
  s.noisy = r.point(a["noisy"], "attention.noisy");
  scene.camera = r.camera(j);
  return scene;
}

}  // namespace flowscope
