#pragma once
// Numeric CSV files (point clouds, weights, matrices): one header line of column names, then one
// row of numbers per line; blank lines are skipped, cells and lines trimmed of spaces, tabs and
// carriage returns. Every error is one InputError naming the file, the line and, for a cell, the
// column: "<path>: line 7, column y: 1e+300 is outside the accepted range of coordinates
// (|v| <= 1e+06)".
#include <cstddef>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "Limits.h"

namespace flowscope {

struct CsvSpec {
  std::vector<std::string> header;    // the exact header required; empty: any header of names
  std::vector<std::string> orHeader;  // another header accepted in its place (empty: none)
  double maxAbs = limits::kMaxCoordinate;
  std::string quantity = "coordinates";  // what the values are, for the range message
  size_t maxRows = size_t(1) << 24;
};

struct NumericCsv {
  std::vector<std::string> header;
  size_t cols = 0;
  std::vector<double> values;  // row-major, rows() x cols
  std::vector<int> lines;      // the file line of each row
  size_t rows() const { return lines.size(); }
  double at(size_t row, size_t col) const { return values[row * cols + col]; }
};

// Throws InputError (also when there is no row after the header).
NumericCsv readNumericCsv(const std::string& path, const CsvSpec& spec);
// A CSV cell or line without surrounding spaces, tabs and carriage returns.
std::string trim(std::string s);

// Writes numeric rows ("%.<digits>g"); a value that is not finite is never written: it throws
// NumericalError "<what>: line <L>, column <name>: not finite (nan)", which makes the output's
// OutputFiles drop the file.
class CsvWriter {
 public:
  CsvWriter(std::ostream& out, std::string what, std::vector<std::string> header, int digits = 9);
  void row(std::span<const double> values);
  void row(std::initializer_list<double> values) { row(std::span(values.begin(), values.size())); }

 private:
  std::ostream& out_;
  std::string what_;
  std::vector<std::string> header_;
  int digits_;
  size_t line_ = 1;
};

}  // namespace flowscope
