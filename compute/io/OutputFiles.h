#pragma once
// Output files appear whole or not at all, and all outputs of one command together or none:
// each file is written to a temporary beside its target (every write and the close checked, so a
// full disk is an error, not a truncated file); commit() then renames them all over their
// targets. Until commit(), existing targets are untouched; if a rename fails, the targets already
// replaced are restored. Temporaries are removed on every failure and by the destructor.
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace flowscope {

class OutputFiles {
 public:
  OutputFiles() = default;
  ~OutputFiles();
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  // Throws InputError "<path>: cannot write file: <reason>" (the temporary removed), or the
  // exception `write` throws; also when `path` is already staged.
  void stage(const std::string& path, const std::function<void(std::ostream&)>& write);
  void stage(const std::string& path, std::string_view bytes);
  // Replaces every target; throws InputError naming the one that could not be replaced.
  void commit();
  bool empty() const { return staged_.empty(); }

 private:
  struct Staged {
    std::string target, temporary, backup;  // backup: a hard link to the replaced target
    bool existed = false;
  };
  void rollBack(size_t replaced);
  void discard();
  std::vector<Staged> staged_;
};

// One file through OutputFiles.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);
void writeFileAtomically(const std::string& path, std::string_view contents);

}  // namespace flowscope
