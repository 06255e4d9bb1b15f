#pragma once
// Reads a whole JSON file; throws InputError "<path>: cannot open file" or
// "<path>: malformed JSON: <parser message with line and column>".
#include <nlohmann/json.hpp>

#include <string>

namespace flowscope {

nlohmann::json readJsonFile(const std::string& path);

}  // namespace flowscope
