#include "vitals/common/secret_file.h"

#include <fstream>

namespace vitals {

Result<std::string> read_secret_file(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return make_error(ErrorCode::Unavailable, "cannot read secret file " + path);
  }
  const auto first = line.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return make_error(ErrorCode::Unavailable, "secret file " + path + " is empty");
  }
  const auto last = line.find_last_not_of(" \t\r\n");
  return line.substr(first, last - first + 1);
}

}  // namespace vitals
