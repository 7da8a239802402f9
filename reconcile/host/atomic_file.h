// Files without surprises: written whole and atomically (readers see the old content or the new
// one, never a part, also across a crash), opened without following a link, read with a bound.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "reconcile/result.h"

namespace sriov::reconcile {

// Whether writeFileAtomically may create the file's folder.
enum class Folders { create, mustExist };

// Creates the file's folder (and its parents, mode 0755) when missing (unless mustExist: then
// ENOENT), writes content to a
// temporary file in that folder (".NAME.XXXXXX"), fsyncs it, sets mode 0644, renames it over
// path and fsyncs the folder. On failure the temporary file is removed and the error names
// path, the step and errno in words, e.g.
//   "cannot write /etc/x/rules: cannot create folder /etc/x: Not a directory".
Result<void> writeFileAtomically(const std::string& path, const std::string& content,
                                 Folders folders = Folders::create);

// What opening a file that must be a regular file, never through a link, came to.
struct RegularFile {
  int fd = -1;              // >= 0 when opened; the caller closes it
  int error = 0;            // errno of open(2) (ELOOP: the path is a symbolic link)
  bool notRegular = false;  // opened, but a folder, device or pipe (closed again)
};

// open(2) with O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC added to flags, then a check that it is a
// regular file: a link someone planted at path is never followed.
RegularFile openRegularNoFollow(const std::string& path, int flags, unsigned mode = 0);

// The rest of what fd reads (at most maxBytes + 1 bytes are read), then closes fd; nullopt when
// there is more than maxBytes.
std::optional<std::string> readAtMost(int fd, size_t maxBytes);

}  // namespace sriov::reconcile
