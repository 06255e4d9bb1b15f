#pragma once
// How every flowscope-cli command ends and reports: progress of long work on stderr, outputs
// committed together after the summary is known to be finite, path options that refuse "".
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "OutputFiles.h"

namespace flowscope::cli {

// Progress of long work on stderr: silent for the first 2 s, then at most one line every 0.5 s
// ("\rsample: step 120/1000 ..."); the destructor ends the line if one was printed.
class Progress {
 public:
  explicit Progress(std::string what);
  ~Progress();
  Progress(const Progress&) = delete;
  void operator()(long done, long total, const std::string& detail = "");

 private:
  std::string what_;
  std::chrono::steady_clock::time_point start_, last_;
  bool printed_ = false;
};

// Ends a command: every number in `summary` is checked (NumericalError naming its key when one is
// not finite), then all staged outputs are committed, then the summary is printed: one JSON line
// with --json, else `text` (a newline is added). Returns kOk.
int finish(OutputFiles& files, const nlohmann::json& summary, bool json, const std::string& text);

// printf into a std::string, for summaries.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// A file option (input or output) whose value may not be empty: `--out ""` exits 2 at parsing.
CLI::Option* addPathOption(CLI::App& cmd, const std::string& flag, std::string& path,
                           const std::string& help);

}  // namespace flowscope::cli
