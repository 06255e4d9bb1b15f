#include "JsonFile.h"

#include "InputError.h"
#include "InputFile.h"

namespace flowscope {
namespace {

struct TextPosition {
  size_t line = 1, column = 1;
};

TextPosition positionOf(const std::string& text, size_t offset) {
  TextPosition p;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n')
      ++p.line, p.column = 1;
    else
      ++p.column;
  }
  return p;
}

// One pass over the text, strings skipped: the nlohmann reader parses iteratively, but every
// reader of a document (and json's own copies and dumps) walks it recursively.
void checkDepth(const std::string& text, const std::string& source) {
  int depth = 0;
  bool inString = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        const TextPosition p = positionOf(text, i);
        throw InputError(source + ": line " + std::to_string(p.line) + ", column " +
                         std::to_string(p.column) + ": nested deeper than " +
                         std::to_string(kMaxJsonDepth) + " levels");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

// "[json.exception.out_of_range.406] number overflow parsing '1e400'" -> the token's line.
std::string overflowMessage(const std::string& text, const std::string& what) {
  const size_t open = what.find('\''), close = what.rfind('\'');
  if (open == std::string::npos || close <= open) return what;
  const std::string token = what.substr(open + 1, close - open - 1);
  const size_t at = text.find(token);
  const std::string where =
      at == std::string::npos ? "" : "line " + std::to_string(positionOf(text, at).line) + ": ";
  return where + "number out of range: " + token;
}

}  // namespace

nlohmann::json parseJsonText(const std::string& text, const std::string& source) {
  checkDepth(text, source);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(source + ": malformed JSON: " + e.what());
  } catch (const nlohmann::json::out_of_range& e) {
    throw InputError(source + ": " + overflowMessage(text, e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source + ": malformed JSON: " + e.what());
  }
}

nlohmann::json readJsonFile(const std::string& path) {
  return parseJsonText(readInputFile(path), path);
}

}  // namespace flowscope
