// The shared input and output mechanisms every reader and writer goes through: checked input
// files, numeric CSVs, JSON depth and number range, outputs committed together or not at all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "CsvFile.h"
#include "InputError.h"
#include "InputFile.h"
#include "JsonFile.h"
#include "Limits.h"
#include "OutputFiles.h"

using namespace flowscope;
namespace fs = std::filesystem;

namespace {

class Io : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("flowscope-io-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Files in the directory, for "nothing else was left behind".
  size_t entries() const {
    return size_t(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
  }
  template <typename Fn>
  std::string errorOf(Fn&& fn) {
    try {
      fn();
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  }
  fs::path dir;
};

}  // namespace

TEST_F(Io, OutputsAreCommittedTogether) {
  write("old.csv", "old\n");
  OutputFiles files;
  files.stage(path("old.csv"), "new\n");
  files.stage(path("fresh.csv"), [](std::ostream& out) { out << "a\nb\n"; });
  EXPECT_EQ(read("old.csv"), "old\n") << "nothing changes before commit";
  EXPECT_FALSE(fs::exists(path("fresh.csv")));
  files.commit();
  EXPECT_EQ(read("old.csv"), "new\n");
  EXPECT_EQ(read("fresh.csv"), "a\nb\n");
  EXPECT_EQ(entries(), 2u) << "no temporary or backup left";
}

TEST_F(Io, AFailedOutputLeavesEveryTargetAsItWas) {
  write("old.csv", "old\n");
  {
    OutputFiles files;
    files.stage(path("old.csv"), "new\n");
    EXPECT_THROW(files.stage(path("second.csv"),
                             [](std::ostream&) { throw NumericalError("step 3: not finite"); }),
                 NumericalError);
  }  // never committed: the destructor removes the staged temporary
  EXPECT_EQ(read("old.csv"), "old\n");
  EXPECT_EQ(entries(), 1u);
  OutputFiles twice;
  twice.stage(path("x.csv"), "1\n");
  EXPECT_EQ(errorOf([&] { twice.stage(path("x.csv"), "2\n"); }),
            path("x.csv") + ": the same file is given for two outputs");
  const std::string dotted = (dir / "." / "x.csv").string();
  EXPECT_EQ(errorOf([&] { twice.stage(dotted, "2\n"); }),
            dotted + ": the same file is given for two outputs");
}

TEST_F(Io, ARenameThatFailsRestoresTheTargetsAlreadyReplaced) {
  write("first.csv", "first, old\n");
  fs::create_directories(dir / "second.csv" / "inside");  // rename(file, non-empty dir) fails
  OutputFiles files;
  files.stage(path("first.csv"), "first, new\n");
  files.stage(path("second.csv"), "second\n");
  const std::string error = errorOf([&] { files.commit(); });
  EXPECT_NE(error.find("second.csv: cannot write file"), std::string::npos) << error;
  EXPECT_EQ(read("first.csv"), "first, old\n");
  EXPECT_TRUE(fs::is_directory(dir / "second.csv"));
  EXPECT_EQ(entries(), 2u) << "no temporary or backup left";
}

TEST_F(Io, InputFilesAreCheckedBeforeReading) {
  fs::create_directories(dir / "folder.csv");
  EXPECT_EQ(errorOf([&] { readInputFile(path("folder.csv")); }),
            path("folder.csv") + ": cannot open file: is a directory");
  EXPECT_EQ(errorOf([&] { readInputFile(path("none.csv")); }),
            path("none.csv") + ": cannot open file: No such file or directory");
  EXPECT_EQ(errorOf([&] { readInputFile("/dev/null"); }),
            "/dev/null: cannot open file: not a regular file");
  write("x.txt", "text");
  EXPECT_EQ(readInputFile(path("x.txt")), "text");
}

TEST_F(Io, NumericCsvErrorsNameTheLineAndColumn) {
  CsvSpec spec;
  spec.header = {"x", "y"};
  auto error = [&](const std::string& text) {
    write("p.csv", text);
    return errorOf([&] { readNumericCsv(path("p.csv"), spec); });
  };
  const std::string p = path("p.csv");
  EXPECT_EQ(error("a,b\n1,2\n"), p + ": line 1: expected the header x,y");
  EXPECT_EQ(error("x,y\n1,2\n3\n"), p + ": line 3: 1 values, but the header has 2 columns");
  EXPECT_EQ(error("x,y\n1,2\n3,inf\n"), p + ": line 3, column 2 (y): 'inf' is not a finite number");
  EXPECT_EQ(error("x,y\n\n1,2e7\n"),
            p + ": line 3, column 2 (y): 2e+07 is outside the accepted range of coordinates "
                "(|v| <= 1e+06)");
  EXPECT_EQ(error("x,y\n"), p + ": no rows after the header");
  spec.maxRows = 2;
  EXPECT_EQ(error("x,y\n1,2\n3,4\n5,6\n"), p + ": line 4: more than 2 rows");
  write("ok.csv", "x , y\r\n 1, -2 \r\n\r\n3e2,4\r\n");
  const NumericCsv csv = readNumericCsv(path("ok.csv"), spec);
  EXPECT_EQ(csv.rows(), 2u);
  EXPECT_EQ(csv.at(0, 1), -2.0);
  EXPECT_EQ(csv.at(1, 0), 300.0);
  EXPECT_EQ(csv.lines, (std::vector<int>{2, 4}));
}

TEST_F(Io, CsvWriterNeverWritesANonFiniteValue) {
  std::ostringstream out;
  CsvWriter csv(out, "s.csv", {"x", "y"});
  csv.row({1.5, -2.0});
  EXPECT_EQ(out.str(), "x,y\n1.5,-2\n");
  try {
    csv.row({0.0, NAN});
    FAIL() << "a NaN was written";
  } catch (const NumericalError& e) {
    EXPECT_STREQ(e.what(), "s.csv: line 3, column y: not finite (nan)");
  }
}

TEST_F(Io, JsonDepthAndNumberRangeAreInputErrorsWithTheirLine) {
  write("deep.json", "{\"a\":\n" + std::string(200, '[') + std::string(200, ']') + "}");
  EXPECT_EQ(errorOf([&] { readJsonFile(path("deep.json")); }),
            path("deep.json") + ": line 2, column 128: nested deeper than 128 levels");
  write("brackets.json", "{\"s\": \"" + std::string(500, '[') + "\"}");  // inside a string
  EXPECT_EQ(readJsonFile(path("brackets.json"))["s"].get<std::string>().size(), 500u);
  write("big.json", "{\"a\": 1,\n \"b\": 1e400}");
  EXPECT_EQ(errorOf([&] { readJsonFile(path("big.json")); }),
            path("big.json") + ": line 2: number out of range: 1e400");
  write("bad.json", "{\"a\": }");
  EXPECT_NE(errorOf([&] { readJsonFile(path("bad.json")); }).find("malformed JSON"),
            std::string::npos);
}

TEST(Limits, RangesRefuseNaNAndNameTheField) {
  EXPECT_NO_THROW(requireInRange("sigma", 1.0, 1e-5, 1e5));
  EXPECT_THROW(requireInRange("sigma", NAN, 1e-5, 1e5), InputError);
  try {
    requireInRange("sigma_max", 1e308, 1e-5, 1e5);
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "sigma_max: must be between 1e-05 and 100000 (got 1e+308)");
  }
  const double values[] = {1.0, NAN, 2.0, INFINITY};
  EXPECT_EQ(firstNonFinite(values), 1u);
  try {
    requireFinite(values, "output", ": try the CPU");
    FAIL();
  } catch (const NumericalError& e) {
    EXPECT_STREQ(e.what(), "output: 2 of 4 values are not finite (first at index 1): try the CPU");
  }
}
