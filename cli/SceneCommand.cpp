// flowscope-cli scene: check any lab's scene file and write it back out in canonical form, or
// write a lab's default scene.
#include <iostream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "LabCatalog.h"
#include "OutputPath.h"

namespace flowscope::cli {

std::string sceneNamesHelp() {
  std::string text = "'default' (the " + labInfos().front().title + " lab's default scene)";
  for (const LabInfo& info : labInfos()) text += ", 'default-" + info.id + "'";
  return text;
}

std::string sceneTagsHelp() {
  std::string text;
  for (const LabInfo& info : labInfos())
    text += (text.empty() ? "" : ", ") + info.title + ": \"lab\": \"" + info.sceneTag + "\"";
  return text;
}

void addSceneCommand(CLI::App& app, Runner& run) {
  auto in = std::make_shared<std::string>("default");
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "scene",
      "Check a scene file of any lab (" + sceneTagsHelp() +
          ") and write it out again in canonical form (loading then saving is byte-identical), "
          "or write a lab's default scene. Errors name the file and field.");
  addPathOption(*cmd, "--scene", *in,
                "Scene JSON to read, or a built-in scene: " + sceneNamesHelp())
      ->capture_default_str();
  addPathOption(*cmd, "--out", *out, "Where to write the scene JSON (omit to only check)");
  cmd->callback([&run, in, out] {
    run = [in, out] {
      if (!out->empty()) checkOutputPath("--out", *out, ".json");
      const std::unique_ptr<Lab> lab = openLabScene(*in);
      if (!out->empty()) saveScene(*lab, *out);
      const bool builtIn = builtInScene(*in).has_value();
      std::cout << (builtIn ? *in + " scene" : *in) << " (" << lab->info().title << " lab): ok"
                << (out->empty() ? "" : ", wrote " + *out) << "\n";
      return int(kOk);
    };
  });
}

}  // namespace flowscope::cli
