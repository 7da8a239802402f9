// Writing a whole file atomically: readers see the old content or the new one, never a part,
// also across a crash.
#pragma once

#include <string>

#include "reconcile/result.h"

namespace sriov::reconcile {

// Creates the file's folder (and its parents, mode 0755) when missing, writes content to a
// temporary file in that folder (".NAME.XXXXXX"), fsyncs it, sets mode 0644, renames it over
// path and fsyncs the folder. On failure the temporary file is removed and the error names
// path, the step and errno in words, e.g.
//   "cannot write /etc/x/rules: cannot create folder /etc/x: Not a directory".
Result<void> writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace sriov::reconcile
