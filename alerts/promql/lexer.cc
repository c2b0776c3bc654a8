#include "alerts/promql/lexer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "alerts/gotext/strconv.h"
#include "alerts/gotext/utf8.h"
#include "alerts/promql/quoting.h"

namespace vitals::promql {
namespace {

using detail::is_alnum;
using detail::is_alpha;
using detail::is_digit;
using detail::is_space;

std::string lower(std::string_view word) {
  std::string out(word);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

constexpr std::array<std::pair<std::string_view, TokenKind>, 36> kWords = {{
    {"and", TokenKind::And},
    {"or", TokenKind::Or},
    {"unless", TokenKind::Unless},
    {"atan2", TokenKind::Atan2},
    {"sum", TokenKind::Aggregator},
    {"avg", TokenKind::Aggregator},
    {"count", TokenKind::Aggregator},
    {"min", TokenKind::Aggregator},
    {"max", TokenKind::Aggregator},
    {"group", TokenKind::Aggregator},
    {"stddev", TokenKind::Aggregator},
    {"stdvar", TokenKind::Aggregator},
    {"topk", TokenKind::Aggregator},
    {"bottomk", TokenKind::Aggregator},
    {"count_values", TokenKind::Aggregator},
    {"quantile", TokenKind::Aggregator},
    {"limitk", TokenKind::Aggregator},
    {"limit_ratio", TokenKind::Aggregator},
    {"offset", TokenKind::Offset},
    {"smoothed", TokenKind::Smoothed},
    {"anchored", TokenKind::Anchored},
    {"by", TokenKind::By},
    {"without", TokenKind::Without},
    {"on", TokenKind::On},
    {"ignoring", TokenKind::Ignoring},
    {"group_left", TokenKind::GroupLeft},
    {"group_right", TokenKind::GroupRight},
    {"fill", TokenKind::Fill},
    {"fill_left", TokenKind::FillLeft},
    {"fill_right", TokenKind::FillRight},
    {"bool", TokenKind::Bool},
    {"start", TokenKind::Start},
    {"end", TokenKind::End},
    {"step", TokenKind::Step},
    {"range", TokenKind::Range},
    {"inf", TokenKind::Number},
}};

TokenKind word_kind(std::string_view word) {
  std::string key = lower(word);
  if (key == "nan") return TokenKind::Number;
  for (const auto& [spelling, kind] : kWords) {
    if (spelling == key) return kind;
  }
  return word.find(':') == std::string_view::npos ? TokenKind::Identifier
                                                  : TokenKind::MetricIdentifier;
}

enum class Family : std::uint8_t { Other, Operator, Aggregator, Keyword, Punctuation };

Family family(TokenKind kind) {
  if (kind >= TokenKind::Add && kind <= TokenKind::Atan2) return Family::Operator;
  if (kind == TokenKind::Aggregator) return Family::Aggregator;
  if (kind >= TokenKind::Bool && kind <= TokenKind::FillRight) return Family::Keyword;
  if ((kind >= TokenKind::LeftParen && kind <= TokenKind::Assign) ||
      (kind >= TokenKind::Start && kind <= TokenKind::Range)) {
    return Family::Punctuation;
  }
  return Family::Other;
}

// The rune at `pos` for messages; the end of input reads as Go's eof rune does.
char32_t rune_at(std::string_view input, std::size_t pos) {
  return gotext::decode_rune(input, pos).rune;
}

}  // namespace

std::string describe(const Token& token) {
  std::string text(token.text);
  switch (family(token.kind)) {
    case Family::Operator:
      return "<op:" + text + ">";
    case Family::Aggregator:
      return "<aggr:" + text + ">";
    case Family::Keyword:
      return "<" + text + ">";
    case Family::Punctuation:
      return go_quote_cut(text, 10);
    case Family::Other:
      break;
  }
  switch (token.kind) {
    case TokenKind::EndOfInput:
      return "end of input";
    case TokenKind::Error:
      return token.error;
    case TokenKind::Identifier:
      return "identifier " + go_quote(text);
    case TokenKind::MetricIdentifier:
      return "metric identifier " + go_quote(text);
    case TokenKind::Number:
      return "number " + go_quote_cut(text, 10);
    case TokenKind::Duration:
      return "duration " + go_quote_cut(text, 10);
    case TokenKind::String:
      return "string " + go_quote_cut(text, 10);
    default:
      return go_quote(text);
  }
}

Token Lexer::next() {
  if (done_) return Token{TokenKind::EndOfInput, input_.size()};
  for (;;) {
    start_ = pos_;
    if (brace_open_) {
      if (skip_space_or_comment()) continue;
      return inside_braces();
    }
    if (duration_mode_) {
      if (!at_end() && is_space(peek_char())) {
        ++pos_;
        continue;
      }
      return duration_expression();
    }
    if (skip_space_or_comment()) continue;
    return statement();
  }
}

bool Lexer::skip_space_or_comment() {
  if (at_end()) return false;
  if (peek_char() == '#') {
    while (!at_end() && peek_char() != '\n' && peek_char() != '\r') ++pos_;
    return true;
  }
  if (!is_space(peek_char())) return false;
  while (!at_end() && is_space(peek_char())) ++pos_;
  return true;
}

Token Lexer::statement() {
  if (at_end()) {
    if (paren_depth_ != 0) return fail("unclosed left parenthesis");
    if (bracket_open_) return fail("unclosed left bracket");
    done_ = true;
    return Token{TokenKind::EndOfInput, input_.size()};
  }
  const char c = input_[pos_++];
  switch (c) {
    case ',':
      return emit(TokenKind::Comma);
    case '*':
      return emit(TokenKind::Mul);
    case '/':
      return emit(TokenKind::Div);
    case '%':
      return emit(TokenKind::Mod);
    case '+':
      return emit(TokenKind::Add);
    case '-':
      return emit(TokenKind::Sub);
    case '^':
      return emit(TokenKind::Pow);
    case '@':
      return emit(TokenKind::At);
    case '=':
      if (accept("=")) return emit(TokenKind::Eql);
      if (peek_char() == '~') return fail("unexpected character after '=': '~'");
      return emit(TokenKind::Assign);
    case '!':
      if (accept("=")) return emit(TokenKind::Neq);
      return fail("unexpected character after '!': " + gotext::quote_rune(rune_at(input_, pos_)));
    case '<':
      return emit(accept("=") ? TokenKind::Lte : TokenKind::Lss);
    case '>':
      return emit(accept("=") ? TokenKind::Gte : TokenKind::Gtr);
    case '"':
    case '\'':
      return string_literal(c);
    case '`':
      return raw_string();
    case '(':
      return left_paren();
    case ')':
      return right_paren();
    case '{':
      brace_open_ = true;
      return emit(TokenKind::LeftBrace);
    case '[': {
      if (bracket_open_) return fail("unexpected left bracket '['");
      got_colon_ = false;
      got_duration_ = false;
      bracket_open_ = true;
      duration_mode_ = true;
      return emit(TokenKind::LeftBracket);
    }
    case ']':
      if (!bracket_open_) return fail("unexpected right bracket ']'");
      bracket_open_ = false;
      return emit(TokenKind::RightBracket);
    default:
      break;
  }
  if (is_digit(c) || (c == '.' && is_digit(peek_char()))) {
    --pos_;
    return number_or_duration();
  }
  if (is_alpha(c) || c == ':') {
    if (!bracket_open_) {
      --pos_;
      return word();
    }
    return bracket_word(c);
  }
  return fail("unexpected character: " + gotext::quote_rune(rune_at(input_, start_)));
}

// A colon or a word between "[" and "]" once a duration was read: `[5m:1m]`, `[5m:step()]`.
Token Lexer::left_paren() {
  ++paren_depth_;
  return emit(TokenKind::LeftParen);
}

Token Lexer::right_paren() {
  Token token = emit(TokenKind::RightParen);
  if (--paren_depth_ < 0) return fail("unexpected right parenthesis ')'", pos_);
  return token;
}

Token Lexer::bracket_word(char first) {
  if (first == ':') {
    if (got_colon_) return fail("unexpected colon ':'");
    got_colon_ = true;
    return emit(TokenKind::Colon);
  }
  TokenKind kind{};
  if ((first == 's' || first == 'S' || first == 'm' || first == 'M') &&
      scan_duration_keyword(kind)) {
    return emit(kind);
  }
  return fail("unexpected character: " + gotext::quote_rune(static_cast<unsigned char>(first)) +
              ", expected ':'");
}

Token Lexer::duration_expression() {
  if (at_end()) return fail("unexpected end of input in duration expression");
  const char c = input_[pos_++];
  switch (c) {
    case ']':
      bracket_open_ = false;
      got_colon_ = false;
      duration_mode_ = false;
      return emit(TokenKind::RightBracket);
    case ':': {
      Token token = emit(TokenKind::Colon);
      if (!got_duration_) {
        return fail("unexpected colon before duration in duration expression", pos_);
      }
      if (got_colon_) return fail("unexpected repeated colon in duration expression", pos_);
      got_colon_ = true;
      return token;
    }
    case '(':
      return left_paren();
    case ')':
      return right_paren();
    case '+':
      return emit(TokenKind::Add);
    case '-':
      return emit(TokenKind::Sub);
    case '*':
      return emit(TokenKind::Mul);
    case '/':
      return emit(TokenKind::Div);
    case '%':
      return emit(TokenKind::Mod);
    case '^':
      return emit(TokenKind::Pow);
    case ',':
      return emit(TokenKind::Comma);
    default:
      break;
  }
  TokenKind kind{};
  if (std::string_view("sSmMrR").find(c) != std::string_view::npos && scan_duration_keyword(kind)) {
    return emit(kind);
  }
  if (is_digit(c) || (c == '.' && is_digit(peek_char()))) {
    --pos_;
    got_duration_ = true;
    duration_mode_ = false;
    return number_or_duration();
  }
  return fail("unexpected character in duration expression: " +
              gotext::quote_rune(rune_at(input_, start_)));
}

// step(), range(), min(…), max(…), min_of(…) and max_of(…) of a duration expression.
bool Lexer::scan_duration_keyword(TokenKind& kind) {
  while (!at_end() && is_alpha(peek_char())) ++pos_;
  const std::string word = lower(input_.substr(start_, pos_ - start_));
  if (word == "step") {
    kind = TokenKind::Step;
  } else if (word == "range") {
    kind = TokenKind::Range;
  } else if (word == "min" || word == "max") {
    kind = TokenKind::Aggregator;
  } else if (word == "min_of" || word == "max_of") {
    kind = TokenKind::Identifier;
  } else {
    return false;
  }
  return true;
}

Token Lexer::inside_braces() {
  if (at_end()) return fail("unexpected end of input inside braces");
  const char c = input_[pos_++];
  if (is_alpha(c)) {
    while (!at_end() && is_alnum(peek_char())) ++pos_;
    return emit(TokenKind::Identifier);
  }
  switch (c) {
    case ',':
      return emit(TokenKind::Comma);
    case '"':
    case '\'':
      return string_literal(c);
    case '`':
      return raw_string();
    case '=':
      return emit(accept("~") ? TokenKind::EqlRegex : TokenKind::Assign);
    case '!':
      if (accept("~")) return emit(TokenKind::NeqRegex);
      if (accept("=")) return emit(TokenKind::Neq);
      return fail("unexpected character after '!' inside braces: " +
                  gotext::quote_rune(rune_at(input_, pos_)));
    case '{':
      return fail("unexpected left brace '{'");
    case '}':
      brace_open_ = false;
      return emit(TokenKind::RightBrace);
    default:
      return fail("unexpected character inside braces: " +
                  gotext::quote_rune(rune_at(input_, start_)));
  }
}

Token Lexer::word() {
  while (!at_end() && (is_alnum(peek_char()) || peek_char() == ':')) ++pos_;
  const std::string_view text = input_.substr(start_, pos_ - start_);
  TokenKind kind = word_kind(text);
  if (kind == TokenKind::Fill || kind == TokenKind::FillLeft || kind == TokenKind::FillRight) {
    // Keywords only before "(", so that `fill` stays a usable metric name.
    std::size_t after = pos_;
    while (after < input_.size() && is_space(input_[after])) ++after;
    if (after >= input_.size() || input_[after] != '(') kind = TokenKind::Identifier;
  }
  return emit(kind);
}

bool Lexer::accept(std::string_view chars) {
  if (at_end() || chars.find(input_[pos_]) == std::string_view::npos) return false;
  ++pos_;
  return true;
}

bool Lexer::is(std::string_view chars) const {
  return !at_end() && chars.find(input_[pos_]) != std::string_view::npos;
}

Token Lexer::emit(TokenKind kind) {
  Token token{kind, start_, input_.substr(start_, pos_ - start_)};
  start_ = pos_;
  return token;
}

Token Lexer::fail(std::string message, std::size_t at) {
  done_ = true;
  Token token{TokenKind::Error, at};
  token.error = std::move(message);
  return token;
}

}  // namespace vitals::promql
