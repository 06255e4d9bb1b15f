// flowscope-cli scene: validate a scene file and write it back out (or write the default scene).
#include <iostream>

#include "CliCommon.h"
#include "OutputPath.h"
#include "Scene.h"

namespace flowscope::cli {

void addSceneCommand(CLI::App& app, Runner& run) {
  auto in = std::make_shared<std::string>("default");
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "scene",
      "Check a scene file and write it out again in canonical form (loading then saving "
      "is byte-identical), or write the default scene. Errors name the file and field.");
  cmd->add_option("--scene", *in, "Scene JSON to read, or 'default'")->capture_default_str();
  cmd->add_option("--out", *out, "Where to write the scene JSON (omit to only check)");
  cmd->callback([&run, in, out] {
    run = [in, out] {
      if (!out->empty()) checkOutputPath("--out", *out, ".json");
      Scene scene = *in == "default" ? defaultScene() : loadScene(*in);
      if (!out->empty()) saveScene(scene, *out);
      std::cout << (*in == "default" ? "default scene" : *in) << ": ok"
                << (out->empty() ? "" : ", wrote " + *out) << "\n";
      return int(kOk);
    };
  });
}

}  // namespace flowscope::cli
