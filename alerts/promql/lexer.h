// Splits a PromQL query into tokens with byte offsets the way Prometheus' lexer (lex.go) does:
// the same modes (inside {…} every word is a label name; inside […] only durations), the same
// number, duration and string syntax, keywords in any case, and the same error texts, so that
// parse errors read as Prometheus' do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vitals::promql {

enum class TokenKind : std::uint8_t {
  EndOfInput,
  Error,  // `error` says what; the lexer yields EndOfInput after it
  Identifier,
  MetricIdentifier,  // an identifier with a colon: `job:rate5m`
  Number,            // 1, .5, 1e3, 0x1f, Inf, NaN
  Duration,          // 5m, 1h30m
  String,            // with its quotes, escapes unresolved
  LeftParen,
  RightParen,
  LeftBrace,
  RightBrace,
  LeftBracket,
  RightBracket,
  Comma,
  Colon,
  Assign,  // = between a label and its value
  // Operators.
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Pow,
  Eql,  // ==
  Neq,
  Gtr,
  Lss,
  Gte,
  Lte,
  EqlRegex,
  NeqRegex,
  At,
  And,
  Or,
  Unless,
  Atan2,
  Aggregator,  // sum, avg, …, limit_ratio; `text` says which
  // Keywords.
  Bool,
  By,
  GroupLeft,
  GroupRight,
  Ignoring,
  Offset,
  Smoothed,
  Anchored,
  On,
  Without,
  Fill,  // fill, fill_left and fill_right are keywords only before "("
  FillLeft,
  FillRight,
  // Words with a meaning before "()": @ start(), step() in a range.
  Start,
  End,
  Step,
  Range,
};

struct Token {
  TokenKind kind = TokenKind::EndOfInput;
  std::size_t pos = 0;      // byte offset of its first character
  std::string_view text{};  // as written; a string keeps its quotes
  std::string error{};      // for TokenKind::Error

  std::size_t end() const { return pos + text.size(); }
};

namespace detail {
// PromQL's character classes: ASCII only, as in Prometheus' lexer.
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
inline bool is_alpha(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
}  // namespace detail

// How Prometheus names a token in "unexpected …" errors: `identifier "foo"`, `<op:+>`,
// `<aggr:sum>`, `<by>`, `"("`, `number "1"`, `end of input`.
std::string describe(const Token& token);

// One pass over one query, which must outlive the lexer. Not thread-safe. Literals are read in
// lex_literal.cc.
class Lexer {
 public:
  explicit Lexer(std::string_view query) : input_(query) {}

  // The next token, comments and spaces skipped; after the end or an error, EndOfInput.
  Token next();

 private:
  Token statement();
  Token inside_braces();
  Token duration_expression();
  Token bracket_word(char first);
  Token number_or_duration();
  Token word();
  Token string_literal(char quote);
  Token raw_string();
  // Parentheses are counted the same way inside and outside a bracketed duration.
  Token left_paren();
  Token right_paren();
  bool escape(char quote, std::string& error);
  bool scan_number();
  bool accept_remaining_duration();
  bool scan_duration_keyword(TokenKind& kind);

  bool accept(std::string_view chars);
  bool is(std::string_view chars) const;
  char peek_char() const { return pos_ < input_.size() ? input_[pos_] : '\0'; }
  bool at_end() const { return pos_ >= input_.size(); }
  bool skip_space_or_comment();
  Token emit(TokenKind kind);
  Token fail(std::string message, std::size_t at);
  Token fail(std::string message) { return fail(std::move(message), start_); }

  std::string_view input_;
  std::size_t pos_ = 0;
  std::size_t start_ = 0;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool duration_mode_ = false;  // from "[" to the first number: duration syntax only
  bool got_colon_ = false;
  bool got_duration_ = false;
  bool done_ = false;
};

}  // namespace vitals::promql
