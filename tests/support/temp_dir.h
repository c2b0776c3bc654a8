// A fresh directory under /tmp for one test, removed with everything in it when the test ends,
// so tests can use real files without leaving any behind.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace vitals::testing {

class TempDir {
 public:
  // Throws std::system_error when /tmp has no room for it: the test cannot run without it.
  TempDir() {
    std::string pattern = "/tmp/vitals-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;  // a leftover in /tmp must not fail the test
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // The path of `name` inside the directory; nothing is created.
  std::string file(std::string_view name) const { return (path_ / name).string(); }

  // Creates or replaces `name` with `contents` and returns its path.
  std::string write_file(std::string_view name, std::string_view contents) const {
    std::string target = file(name);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + target);
    return target;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace vitals::testing
