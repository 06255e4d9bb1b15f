// flowscope-cli: every computation of the labs, scriptable and headless.
#include <iostream>

#include "CliCommon.h"
#include "InputError.h"

using namespace flowscope;

int main(int argc, char** argv) {
  CLI::App app{
      "flowscope-cli: headless computations, figures and benchmarks of Flowscope.\n"
      "Exit codes: 0 success; 2 invalid input or usage, or a result that would not be finite "
      "(the message names the flag, field, file and line, or the step and quantity; no output "
      "file is written or changed); 3 device or runtime failure.\n"
      "Every command writes all its output files together, after everything has succeeded, or "
      "none. Accepted ranges (also in each flag's help): coordinates |x| <= 1e6, variances "
      "1e-12..1e12, weights 0..1e15, noise levels sigma 1e-5..1e5, at most 10,000 model "
      "evaluations per sampling run, attention inputs |v| <= 1e4, receptive-field taps "
      "|w| <= 1e3, at most 16,777,216 rows per CSV output. Long work reports progress on stderr.",
      "flowscope-cli"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "flowscope-cli 0.1.0");
  cli::Runner run;
  cli::addInfoCommand(app, run);
  cli::addSampleCommand(app, run);
  cli::addRenderCommand(app, run);
  cli::addBenchCommand(app, run);
  cli::addSceneCommand(app, run);
  cli::addFieldCommand(app, run);
  cli::addSweepCommand(app, run);
  cli::addGuidanceCommand(app, run);
  cli::addOtCommand(app, run);
  cli::addAttentionCommand(app, run);
  cli::addRfCommand(app, run);
  cli::addTrainCommand(app, run);
  cli::addFlowTrainCommand(app, run);
  cli::addLogpCommand(app, run);
  cli::addEstimateCommand(app, run);
  cli::addCriticCommand(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "flowscope-cli: " << e.what() << "\n";
    return cli::kInvalid;
  }
  try {
    return run();
  } catch (const InputError& e) {
    std::cerr << "flowscope-cli: error: " << e.what() << "\n";
    return cli::kInvalid;
  } catch (const GpuError& e) {
    std::cerr << "flowscope-cli: device error: " << e.what() << "\n";
    return cli::kDeviceFailure;
  } catch (const std::exception& e) {
    std::cerr << "flowscope-cli: runtime error: " << e.what() << "\n";
    return cli::kDeviceFailure;
  }
}
