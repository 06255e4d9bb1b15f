#pragma once
// Reads a whole JSON file through readInputFile (InputFile.h). Throws InputError
// "<path>: malformed JSON: <parser message with line and column>",
// "<path>: line L, column C: nested deeper than <kMaxJsonDepth> levels" (checked before parsing,
// so no reader recurses deeper), or "<path>: line L: number out of range: 1e400".
#include <nlohmann/json.hpp>

#include <string>

namespace flowscope {

inline constexpr int kMaxJsonDepth = 128;

nlohmann::json readJsonFile(const std::string& path);
// The same checks on text already in memory; `source` names it in messages.
nlohmann::json parseJsonText(const std::string& text, const std::string& source);

}  // namespace flowscope
