#include "agent/store/series_selector.h"

#include <cctype>
#include <string>

namespace vitals {
namespace {

class SelectorReader {
 public:
  explicit SelectorReader(std::string_view text) : text_(text) {}

  Result<std::vector<LabelMatcher>> read() {
    skip_space();
    std::vector<LabelMatcher> matchers;
    if (std::string name = identifier(true); !name.empty()) {
      auto m = LabelMatcher::make("__name__", MatchOp::Equal, name);
      if (!m) return tl::unexpected(m.error());
      matchers.push_back(*m);
    }
    skip_space();
    if (peek() == '{') {
      ++pos_;
      if (auto more = matcher_list(matchers); !more) return tl::unexpected(more.error());
    }
    skip_space();
    if (pos_ != text_.size()) return fail("unexpected character '" + std::string(1, peek()) + "'");
    bool selective = false;
    for (const LabelMatcher& m : matchers) selective = selective || !m.matches("");
    if (!selective) return fail("a selector needs a metric name or a matcher not matching \"\"");
    return matchers;
  }

 private:
  Result<void> matcher_list(std::vector<LabelMatcher>& out) {
    for (;;) {
      skip_space();
      if (peek() == '}') {
        ++pos_;
        return {};
      }
      std::string name = identifier(false);
      if (name.empty()) return fail("expected a label name");
      skip_space();
      auto op = match_op();
      if (!op) return tl::unexpected(op.error());
      skip_space();
      auto value = quoted();
      if (!value) return tl::unexpected(value.error());
      auto m = LabelMatcher::make(name, *op, *value);
      if (!m) return fail(m.error().message);
      out.push_back(*m);
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != '}') {
        return fail("expected ',' or '}'");
      }
    }
  }

  Result<MatchOp> match_op() {
    std::string_view rest = text_.substr(pos_);
    for (auto [spelling, op] :
         {std::pair{"=~", MatchOp::Regex}, std::pair{"!~", MatchOp::NotRegex},
          std::pair{"!=", MatchOp::NotEqual}, std::pair{"=", MatchOp::Equal}}) {
      if (rest.starts_with(spelling)) {
        pos_ += std::string_view(spelling).size();
        return op;
      }
    }
    return fail("expected one of =, !=, =~, !~");
  }

  // "…" and '…' with Go's escapes \\ \" \' \n \t; `…` raw.
  Result<std::string> quoted() {
    char quote = peek();
    if (quote != '"' && quote != '\'' && quote != '`') return fail("expected a quoted value");
    ++pos_;
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c != '\\' || quote == '`') {
        value += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
    }
    if (pos_ >= text_.size()) return fail("unterminated quoted value");
    ++pos_;
    return value;
  }

  std::string identifier(bool metric) {
    std::size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      bool ok = std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (metric && c == ':') ||
                (pos_ > start && std::isdigit(static_cast<unsigned char>(c)));
      if (!ok) break;
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  tl::unexpected<Error> fail(const std::string& why) const {
    return make_error(ErrorCode::InvalidArgument,
                      "selector column " + std::to_string(pos_ + 1) + ": " + why);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::vector<LabelMatcher>> parse_series_selector(std::string_view text) {
  return SelectorReader(text).read();
}

}  // namespace vitals
