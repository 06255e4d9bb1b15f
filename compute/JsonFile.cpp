#include "JsonFile.h"

#include <fstream>

#include "InputError.h"

namespace flowscope {

nlohmann::json readJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path + ": malformed JSON: " + e.what());
  }
}

}  // namespace flowscope
