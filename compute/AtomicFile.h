#pragma once
// Output files appear whole or not at all: everything is written to a temporary file beside the
// target, which is renamed over it only on success. Errors leave no partial output behind.
#include <functional>
#include <ostream>
#include <string>

namespace flowscope {

// Calls `write` with a stream to a temporary file, then renames it to `path`. If `write` throws
// or the stream fails, the temporary file is removed and the exception (or an InputError naming
// `path`) propagates.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);
void writeFileAtomically(const std::string& path, const std::string& contents);

// Same contract for writers that need a file name (PNG encoders): `write` receives the
// temporary path and returns false on failure.
void writePathAtomically(const std::string& path,
                         const std::function<bool(const std::string&)>& write);

}  // namespace flowscope
