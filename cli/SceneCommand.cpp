// flowscope-cli scene: validate a scene file and write it back out (or write the default scene).
#include <iostream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "DiffusionScene.h"
#include "JsonFile.h"
#include "OutputPath.h"
#include "TransportScene.h"

namespace flowscope::cli {

void addSceneCommand(CLI::App& app, Runner& run) {
  auto in = std::make_shared<std::string>("default");
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "scene",
      "Check a scene file of either lab (Diffusion & Flow: \"lab\": \"gmm-diffusion\"; "
      "Transport: \"lab\": \"transport\") and write it out again in canonical form "
      "(loading then saving is byte-identical), or write a default scene. Errors name the file "
      "and field.");
  addPathOption(
      *cmd, "--scene", *in,
      "DiffusionScene JSON to read, 'default' (the Diffusion & Flow lab's default scene) or "
      "'default-transport' (the Transport lab's)")
      ->capture_default_str();
  addPathOption(*cmd, "--out", *out, "Where to write the scene JSON (omit to only check)");
  cmd->callback([&run, in, out] {
    run = [in, out] {
      if (!out->empty()) checkOutputPath("--out", *out, ".json");
      const bool builtIn = *in == "default" || *in == "default-transport";
      std::string lab = *in == "default-transport" ? "transport" : "gmm-diffusion";
      nlohmann::json j;
      if (!builtIn) {
        j = readJsonFile(*in);
        lab = sceneLab(j, *in);
      }
      if (lab == "transport") {
        TransportScene scene = builtIn ? TransportLab().snapshot() : transportSceneFromJson(j, *in);
        if (!out->empty()) saveTransportScene(scene, *out);
      } else {
        DiffusionScene scene = builtIn ? defaultDiffusionScene() : diffusionSceneFromJson(j, *in);
        if (!out->empty()) saveDiffusionScene(scene, *out);
      }
      std::cout << (builtIn ? *in + " scene" : *in) << ": ok"
                << (out->empty() ? "" : ", wrote " + *out) << "\n";
      return int(kOk);
    };
  });
}

}  // namespace flowscope::cli
