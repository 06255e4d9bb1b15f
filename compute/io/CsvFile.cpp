#include "CsvFile.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "InputError.h"
#include "InputFile.h"

namespace flowscope {
namespace {

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ",") + n;
  return s;
}

struct LineReader {
  const std::string& path;
  int line;
  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(path + ": line " + std::to_string(line) + ": " + why);
  }
  double number(const std::string& cell, const std::string& column, const CsvSpec& spec) const {
    const std::string where = path + ": line " + std::to_string(line) + ", column " + column;
    char* end = nullptr;
    const double v = std::strtod(cell.c_str(), &end);
    if (cell.empty() || end != cell.c_str() + cell.size() || !std::isfinite(v))
      throw InputError(where + ": '" + cell + "' is not a finite number");
    if (!(std::abs(v) <= spec.maxAbs))
      throw InputError(where + ": " + formatNumber(v) + " is outside the accepted range of " +
                       spec.quantity + " (|v| <= " + formatNumber(spec.maxAbs) + ")");
    return v;
  }
};

}  // namespace

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

NumericCsv readNumericCsv(const std::string& path, const CsvSpec& spec) {
  std::istringstream in(readInputFile(path));
  NumericCsv csv;
  std::string line;
  const bool hasHeader = bool(std::getline(in, line));
  csv.header = cells(trim(line));
  const LineReader first{path, 1};
  const bool matches =
      csv.header == spec.header || (!spec.orHeader.empty() && csv.header == spec.orHeader);
  if (!spec.header.empty() && (!hasHeader || !matches))
    first.fail("expected the header " + joined(spec.header) +
               (spec.orHeader.empty() ? "" : " or " + joined(spec.orHeader)));
  if (!hasHeader || trim(line).empty()) first.fail("expected a header line (column names)");
  csv.cols = csv.header.size();
  for (int lineNo = 2; std::getline(in, line); ++lineNo) {
    line = trim(line);
    if (line.empty()) continue;
    const LineReader r{path, lineNo};
    const std::vector<std::string> row = cells(line);
    if (row.size() != csv.cols)
      r.fail(std::to_string(row.size()) + " values, but the header has " +
             std::to_string(csv.cols) + " columns");
    if (csv.rows() == spec.maxRows) r.fail("more than " + std::to_string(spec.maxRows) + " rows");
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string& name = csv.header[c];
      const std::string column = std::to_string(c + 1) + (name.empty() ? "" : " (" + name + ")");
      csv.values.push_back(r.number(row[c], column, spec));
    }
    csv.lines.push_back(lineNo);
  }
  if (csv.rows() == 0) throw InputError(path + ": no rows after the header");
  return csv;
}

CsvWriter::CsvWriter(std::ostream& out, std::string what, std::vector<std::string> header,
                     int digits)
    : out_(out), what_(std::move(what)), header_(std::move(header)), digits_(digits) {
  out_ << joined(header_) << "\n";
}

void CsvWriter::row(std::span<const double> values) {
  ++line_;
  char buf[40];
  for (size_t c = 0; c < values.size(); ++c) {
    if (!std::isfinite(values[c]))
      throw NumericalError(what_ + ": line " + std::to_string(line_) + ", column " +
                           (c < header_.size() ? header_[c] : std::to_string(c + 1)) +
                           ": not finite (" + formatNumber(values[c]) + ")");
    std::snprintf(buf, sizeof(buf), "%.*g", digits_, values[c]);
    if (c) out_ << ',';
    out_ << buf;
  }
  out_ << '\n';
}

}  // namespace flowscope
