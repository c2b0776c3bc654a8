// The small text routines both HTTP clients (libcurl's callbacks and our own response reader)
// apply to header lines.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace vitals::detail {

// Without leading and trailing white space (the OWS around header values, a stray CR).
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// ASCII lower case: header names and codings compare without case.
inline std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace vitals::detail
