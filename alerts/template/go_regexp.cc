#include "alerts/template/go_regexp.h"

#include <re2/re2.h>

#include "alerts/gotext/strconv.h"
#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"

namespace vitals::alert_template::detail {

namespace {

// Go's regexp/syntax ErrorCode texts for RE2's codes.
std::string_view go_error_code(re2::RE2::ErrorCode code) {
  switch (code) {
    case re2::RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case re2::RE2::ErrorBadCharClass:
      return "invalid character class";
    case re2::RE2::ErrorBadCharRange:
      return "invalid character class range";
    case re2::RE2::ErrorMissingBracket:
      return "missing closing ]";
    case re2::RE2::ErrorMissingParen:
      return "missing closing )";
    case re2::RE2::ErrorUnexpectedParen:
      return "unexpected )";
    case re2::RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case re2::RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case re2::RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case re2::RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case re2::RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case re2::RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case re2::RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    case re2::RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "unexpected error";
  }
}

// regexp's extract: the name after '$' ("1", "name", from "{…}" too) and what follows it.
bool extract_name(std::string_view s, std::string_view& name, int& num, std::string_view& rest) {
  if (s.empty()) return false;
  bool brace = s[0] == '{';
  if (brace) s.remove_prefix(1);
  std::size_t i = 0;
  while (i < s.size()) {
    gotext::DecodedRune d = gotext::decode_rune(s, i);
    if (!gotext::is_letter(d.rune) && !gotext::is_digit(d.rune) && d.rune != '_') break;
    i += d.width;
  }
  if (i == 0) return false;
  name = s.substr(0, i);
  if (brace) {
    if (i >= s.size() || s[i] != '}') return false;
    ++i;
  }
  num = 0;
  for (char c : name) {
    if (c < '0' || c > '9' || num >= 100000000) {
      num = -1;
      break;
    }
    num = num * 10 + (c - '0');
  }
  if (name[0] == '0' && name.size() > 1) num = -1;
  rest = s.substr(i);
  return true;
}

std::string go_quote_pattern(std::string_view s) {
  if (gotext::can_backquote(s)) return "`" + std::string(s) + "`";
  return gotext::quote(s);
}

}  // namespace

Result<GoRegexp> GoRegexp::compile(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    return make_error(ErrorCode::InvalidArgument,
                      "error parsing regexp: " + std::string(go_error_code(re->error_code())) +
                          ": `" + re->error_arg() + "`");
  }
  GoRegexp out;
  out.group_names_.assign(static_cast<std::size_t>(re->NumberOfCapturingGroups()) + 1, "");
  for (const auto& [index, name] : re->CapturingGroupNames()) {
    out.group_names_[static_cast<std::size_t>(index)] = name;
  }
  out.re_ = std::move(re);
  return out;
}

bool GoRegexp::match(std::string_view s) const {
  const char* data = s.data() ? s.data() : "";
  return re_->Match(re2::StringPiece(data, s.size()), 0, s.size(), re2::RE2::UNANCHORED, nullptr,
                    0);
}

void GoRegexp::expand(std::string& out, std::string_view repl,
                      const std::vector<std::string_view>& groups) const {
  while (!repl.empty()) {
    std::size_t dollar = repl.find('$');
    if (dollar == std::string_view::npos) break;
    out += repl.substr(0, dollar);
    repl.remove_prefix(dollar + 1);
    if (!repl.empty() && repl[0] == '$') {
      out += '$';
      repl.remove_prefix(1);
      continue;
    }
    std::string_view name;
    std::string_view rest;
    int num = 0;
    if (!extract_name(repl, name, num, rest)) {
      out += '$';
      continue;
    }
    repl = rest;
    if (num >= 0) {
      if (static_cast<std::size_t>(num) < groups.size() &&
          groups[static_cast<std::size_t>(num)].data()) {
        out += groups[static_cast<std::size_t>(num)];
      }
      continue;
    }
    for (std::size_t i = 0; i < group_names_.size(); ++i) {
      if (group_names_[i] == name && i < groups.size() && groups[i].data()) {
        out += groups[i];
        break;
      }
    }
  }
  out += repl;
}

// Regexp.replaceAll: successive non-overlapping matches; an empty match right after a previous
// match is not replaced; the search always advances at least one rune.
std::string GoRegexp::replace_all(std::string_view src, std::string_view repl) const {
  const char* data = src.data() ? src.data() : "";
  re2::StringPiece text(data, src.size());
  const int n = static_cast<int>(group_names_.size());
  std::vector<re2::StringPiece> sub(static_cast<std::size_t>(n));
  std::vector<std::string_view> groups(static_cast<std::size_t>(n));
  std::string out;
  std::size_t last_match_end = 0;
  std::size_t search_pos = 0;
  while (search_pos <= src.size()) {
    if (!re_->Match(text, search_pos, src.size(), re2::RE2::UNANCHORED, sub.data(), n)) break;
    auto begin = static_cast<std::size_t>(sub[0].data() - data);
    std::size_t end = begin + sub[0].size();
    out += src.substr(last_match_end, begin - last_match_end);
    if (end > last_match_end || begin == 0) {
      for (int i = 0; i < n; ++i) {
        const re2::StringPiece& g = sub[static_cast<std::size_t>(i)];
        groups[static_cast<std::size_t>(i)] =
            g.data() ? std::string_view(g.data(), g.size()) : std::string_view();
      }
      expand(out, repl, groups);
    }
    last_match_end = end;
    auto width = gotext::decode_rune(src, search_pos).width;
    if (search_pos + width > end) {
      search_pos += width;
    } else if (search_pos + 1 > end) {
      ++search_pos;
    } else {
      search_pos = end;
    }
  }
  out += src.substr(last_match_end);
  return out;
}

std::string must_compile_message(std::string_view pattern, const Error& error) {
  return "regexp: Compile(" + go_quote_pattern(pattern) + "): " + error.message;
}

}  // namespace vitals::alert_template::detail
