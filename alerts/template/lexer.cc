#include "alerts/template/lexer.h"

#include <algorithm>
#include <map>

#include "alerts/gotext/strconv.h"
#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"
#include "alerts/template/go_format.h"

namespace vitals::alert_template::detail {

namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::size_t kTrimMarkerLen = 2;  // "- " or " -"

bool has_left_trim_marker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && Lexer::is_space(static_cast<unsigned char>(s[1]));
}

bool has_right_trim_marker(std::string_view s) {
  return s.size() >= 2 && Lexer::is_space(static_cast<unsigned char>(s[0])) && s[1] == '-';
}

std::size_t count_newlines(std::string_view s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::size_t right_trim_length(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && Lexer::is_space(static_cast<unsigned char>(s[s.size() - 1 - n]))) ++n;
  return n;
}

std::size_t left_trim_length(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && Lexer::is_space(static_cast<unsigned char>(s[n]))) ++n;
  return n;
}

}  // namespace

bool Lexer::is_alphanumeric(char32_t r) {
  return r != kEof && (r == '_' || gotext::is_letter(r) || gotext::is_digit(r));
}

// "U+00A0" alone for a rune Go does not consider printable.
std::string Lexer::describe_rune(char32_t r) {
  return sprintf("%#U", {Value::integer(r == kEof ? -1 : static_cast<std::int64_t>(r))});
}

std::string Item::describe() const {
  if (type == ItemType::Eof) return "EOF";
  if (type == ItemType::Error) return val;
  if (type > ItemType::Keyword) return "<" + val + ">";
  if (val.size() > 10) {
    std::size_t cut = 0;
    for (int k = 0; k < 10 && cut < val.size(); ++k) {
      cut += gotext::decode_rune(val, cut).width;
    }
    return gotext::quote(std::string_view(val).substr(0, cut)) + "...";
  }
  return gotext::quote(val);
}

Item Lexer::next_item() {
  item_ = Item{ItemType::Eof, pos_, "EOF", start_line_};
  if (pending_right_paren_error_) {
    pending_right_paren_error_ = false;
    error("unexpected right paren " + describe_rune(')'));
    return item_;
  }
  State state = inside_action_ ? State::InsideAction : State::Text;
  while (state != State::Done) {
    switch (state) {
      case State::Text:
        state = lex_text();
        break;
      case State::LeftDelim:
        state = lex_left_delim();
        break;
      case State::Comment:
        state = lex_comment();
        break;
      case State::RightDelim:
        state = lex_right_delim();
        break;
      case State::InsideAction:
        state = lex_inside_action();
        break;
      case State::Space:
        state = lex_space();
        break;
      case State::Identifier:
        state = lex_identifier();
        break;
      case State::Field:
        state = lex_field_or_variable(ItemType::Field);
        break;
      case State::Variable:
        state =
            at_terminator() ? emit(ItemType::Variable) : lex_field_or_variable(ItemType::Variable);
        break;
      case State::Char:
        state = lex_char();
        break;
      case State::Number:
        state = lex_number();
        break;
      case State::Quote:
        state = lex_quote();
        break;
      case State::RawQuote:
        state = lex_raw_quote();
        break;
      case State::Done:
        break;
    }
  }
  return item_;
}

char32_t Lexer::next() {
  if (pos_ >= input_.size()) {
    at_eof_ = true;
    return kEof;
  }
  gotext::DecodedRune d = gotext::decode_rune(input_, pos_);
  pos_ += d.width;
  if (d.rune == '\n') ++line_;
  return d.rune;
}

char32_t Lexer::peek() {
  char32_t r = next();
  backup();
  return r;
}

void Lexer::backup() {
  if (at_eof_ || pos_ == 0) return;
  gotext::DecodedRune d = gotext::decode_last_rune(input_, pos_);
  pos_ -= d.width;
  if (d.rune == '\n') --line_;
}

Item Lexer::take(ItemType type) {
  Item item{type, start_, std::string(input_.substr(start_, pos_ - start_)), start_line_};
  start_ = pos_;
  start_line_ = line_;
  return item;
}

Lexer::State Lexer::emit(ItemType type) {
  return emit_item(take(type));
}

Lexer::State Lexer::emit_item(Item item) {
  item_ = std::move(item);
  return State::Done;
}

Lexer::State Lexer::error(std::string message) {
  item_ = Item{ItemType::Error, start_, std::move(message), start_line_};
  start_ = 0;
  pos_ = 0;
  input_ = input_.substr(0, 0);
  return State::Done;
}

void Lexer::ignore() {
  line_ += static_cast<int>(count_newlines(input_.substr(start_, pos_ - start_)));
  start_ = pos_;
  start_line_ = line_;
}

bool Lexer::accept(std::string_view valid) {
  char32_t r = next();
  if (r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
  backup();
  return false;
}

void Lexer::accept_run(std::string_view valid) {
  while (accept(valid)) {
  }
}

bool Lexer::at_terminator() {
  char32_t r = peek();
  if (is_space(r)) return true;
  switch (r) {
    case kEof:
    case '.':
    case ',':
    case '|':
    case ':':
    case ')':
    case '(':
      return true;
    default:
      return input_.substr(pos_).starts_with(kRightDelim);
  }
}

std::pair<bool, bool> Lexer::at_right_delim() const {
  std::string_view rest = input_.substr(pos_);
  if (has_right_trim_marker(rest) && rest.substr(kTrimMarkerLen).starts_with(kRightDelim)) {
    return {true, true};
  }
  return {rest.starts_with(kRightDelim), false};
}

Lexer::State Lexer::lex_text() {
  std::size_t x = input_.find(kLeftDelim, pos_);
  if (x != std::string_view::npos) {
    if (x > pos_) {
      pos_ = x;
      std::size_t trim = 0;
      if (has_left_trim_marker(input_.substr(pos_ + kLeftDelim.size()))) {
        trim = right_trim_length(input_.substr(start_, pos_ - start_));
      }
      pos_ -= trim;
      line_ += static_cast<int>(count_newlines(input_.substr(start_, pos_ - start_)));
      Item text = take(ItemType::Text);
      pos_ += trim;
      ignore();
      if (!text.val.empty()) return emit_item(std::move(text));
    }
    return lex_left_delim();
  }
  pos_ = input_.size();
  if (pos_ > start_) {
    line_ += static_cast<int>(count_newlines(input_.substr(start_, pos_ - start_)));
    return emit(ItemType::Text);
  }
  return emit(ItemType::Eof);
}

Lexer::State Lexer::lex_left_delim() {
  pos_ += kLeftDelim.size();
  bool trim = has_left_trim_marker(input_.substr(pos_));
  std::size_t after = trim ? kTrimMarkerLen : 0;
  if (input_.substr(pos_ + after).starts_with("/*")) {
    pos_ += after;
    ignore();
    return State::Comment;
  }
  Item delim = take(ItemType::LeftDelim);
  inside_action_ = true;
  pos_ += after;
  ignore();
  paren_depth_ = 0;
  return emit_item(std::move(delim));
}

Lexer::State Lexer::lex_comment() {
  pos_ += 2;
  std::size_t x = input_.find("*/", pos_);
  if (x == std::string_view::npos) return error("unclosed comment");
  pos_ = x + 2;
  auto [delim, trim] = at_right_delim();
  if (!delim) return error("comment ends before closing delimiter");
  line_ += static_cast<int>(count_newlines(input_.substr(start_, pos_ - start_)));
  take(ItemType::Text);  // comments are not passed to the parser
  if (trim) pos_ += kTrimMarkerLen;
  pos_ += kRightDelim.size();
  if (trim) pos_ += left_trim_length(input_.substr(pos_));
  ignore();
  return State::Text;
}

Lexer::State Lexer::lex_right_delim() {
  auto [delim, trim] = at_right_delim();
  (void)delim;
  if (trim) {
    pos_ += kTrimMarkerLen;
    ignore();
  }
  pos_ += kRightDelim.size();
  Item item = take(ItemType::RightDelim);
  if (trim) {
    pos_ += left_trim_length(input_.substr(pos_));
    ignore();
  }
  inside_action_ = false;
  return emit_item(std::move(item));
}

Lexer::State Lexer::lex_inside_action() {
  if (at_right_delim().first) {
    if (paren_depth_ == 0) return lex_right_delim();
    return error("unclosed left paren");
  }
  char32_t r = next();
  switch (r) {
    case kEof:
      return error("unclosed action");
    case '=':
      return emit(ItemType::Assign);
    case ':':
      if (next() != '=') return error("expected :=");
      return emit(ItemType::Declare);
    case '|':
      return emit(ItemType::Pipe);
    case '"':
      return State::Quote;
    case '`':
      return State::RawQuote;
    case '$':
      return State::Variable;
    case '\'':
      return State::Char;
    case '(':
      ++paren_depth_;
      return emit(ItemType::LeftParen);
    case ')':
      // Go 1.19 emits the parenthesis before it reports one too many.
      if (--paren_depth_ < 0) pending_right_paren_error_ = true;
      return emit(ItemType::RightParen);
    default:
      break;
  }
  if (is_space(r)) {
    backup();
    return State::Space;
  }
  if (r == '.' && pos_ < input_.size() && (input_[pos_] < '0' || input_[pos_] > '9')) {
    return State::Field;
  }
  if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
    backup();
    return State::Number;
  }
  if (is_alphanumeric(r)) {
    backup();
    return State::Identifier;
  }
  if (r < 0x80 && r >= 0x20 && r < 0x7F) return emit(ItemType::Char);
  return error("unrecognized character in action: " + describe_rune(r));
}

Lexer::State Lexer::lex_space() {
  int spaces = 0;
  while (is_space(peek())) {
    next();
    ++spaces;
  }
  std::string_view before = input_.substr(pos_ - 1);
  if (has_right_trim_marker(before) && before.substr(kTrimMarkerLen).starts_with(kRightDelim)) {
    backup();
    if (spaces == 1) return lex_right_delim();
  }
  return emit(ItemType::Space);
}

}  // namespace vitals::alert_template::detail
