#include "agent/probe/pattern.h"

#include <cstdio>

namespace vitals::detail {

Pattern::Pattern(const std::string& text) : text_(text) {
  if (text.empty()) return;
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(text, options);
  if (!re->ok()) {
    error_ = "invalid regex /" + text + "/: " + re->error();
    return;
  }
  re_ = std::move(re);
}

bool Pattern::search(std::string_view subject) const {
  if (!error_.empty()) return false;
  return re_ == nullptr ||
         RE2::PartialMatch(re2::StringPiece(subject.data(), subject.size()), *re_);
}

std::string quote_excerpt(std::string_view data, std::size_t limit) {
  std::string out = "\"";
  for (std::size_t i = 0; i < data.size() && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += data.size() > limit ? "\"…" : "\"";
  return out;
}

}  // namespace vitals::detail
