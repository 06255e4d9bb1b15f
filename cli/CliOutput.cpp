#include "CliOutput.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <iostream>

#include "CliCommon.h"
#include "InputError.h"

namespace flowscope::cli {
namespace {

using Clock = std::chrono::steady_clock;

void requireFiniteJson(const nlohmann::json& j, const std::string& key) {
  if (j.is_number_float() && !std::isfinite(j.get<double>()))
    throw NumericalError("result '" + key + "' is not finite (" + std::to_string(j.get<double>()) +
                         "); nothing was written");
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it)
      requireFiniteJson(it.value(), key.empty() ? it.key() : key + "." + it.key());
  if (j.is_array())
    for (size_t i = 0; i < j.size(); ++i)
      requireFiniteJson(j[i], key + "[" + std::to_string(i) + "]");
}

}  // namespace

Progress::Progress(std::string what) : what_(std::move(what)), start_(Clock::now()) {}

Progress::~Progress() {
  if (printed_) std::fputc('\n', stderr);
}

void Progress::operator()(long done, long total, const std::string& detail) {
  const auto now = Clock::now();
  if (now - start_ < std::chrono::seconds(2) ||
      (printed_ && now - last_ < std::chrono::milliseconds(500)))
    return;
  std::fprintf(stderr, "\r%s %ld/%ld%s%s   ", what_.c_str(), done, total,
               detail.empty() ? "" : ", ", detail.c_str());
  std::fflush(stderr);
  printed_ = true;
  last_ = now;
}

int finish(OutputFiles& files, const nlohmann::json& summary, bool json, const std::string& text) {
  requireFiniteJson(summary, "");
  files.commit();
  std::cout << (json ? summary.dump() : text) << "\n";
  return kOk;
}

std::string format(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, args);
  va_end(args);
  std::string out(size_t(std::max(n, 0)), '\0');
  std::vsnprintf(out.data(), out.size() + 1, fmt, again);
  va_end(again);
  return out;
}

CLI::Option* addPathOption(CLI::App& cmd, const std::string& flag, std::string& path,
                           const std::string& help) {
  static const CLI::Validator nonEmpty(
      [](std::string& value) { return value.empty() ? std::string("empty path") : std::string(); },
      "PATH");
  return cmd.add_option(flag, path, help)->check(nonEmpty);
}

}  // namespace flowscope::cli
