// The tokens inside an action: identifiers and keywords, fields and variables,
// character, number and string constants.
#include "alerts/template/lexer.h"

#include <map>

#include "alerts/gotext/strconv.h"

namespace vitals::alert_template::detail {

namespace {

const std::map<std::string_view, ItemType>& keywords() {
  static const std::map<std::string_view, ItemType> kKeywords = {
      {".", ItemType::Dot},
      {"block", ItemType::Block},
      {"break", ItemType::Break},
      {"continue", ItemType::Continue},
      {"define", ItemType::Define},
      {"else", ItemType::Else},
      {"end", ItemType::End},
      {"if", ItemType::If},
      {"range", ItemType::Range},
      {"nil", ItemType::Nil},
      {"template", ItemType::Template},
      {"with", ItemType::With},
  };
  return kKeywords;
}

}  // namespace

Lexer::State Lexer::lex_identifier() {
  for (;;) {
    char32_t r = next();
    if (is_alphanumeric(r)) continue;
    backup();
    std::string_view word = input_.substr(start_, pos_ - start_);
    if (!at_terminator()) return error("bad character " + describe_rune(r));
    auto keyword = keywords().find(word);
    if (keyword != keywords().end()) return emit(keyword->second);
    if (word[0] == '.') return emit(ItemType::Field);
    if (word == "true" || word == "false") return emit(ItemType::Bool);
    return emit(ItemType::Identifier);
  }
}

Lexer::State Lexer::lex_field_or_variable(ItemType type) {
  if (at_terminator()) return emit(type == ItemType::Variable ? ItemType::Variable : ItemType::Dot);
  char32_t r = 0;
  for (;;) {
    r = next();
    if (!is_alphanumeric(r)) {
      backup();
      break;
    }
  }
  if (!at_terminator()) return error("bad character " + describe_rune(r));
  return emit(type);
}

Lexer::State Lexer::lex_char() {
  for (;;) {
    char32_t r = next();
    if (r == '\\') {
      r = next();
      if (r != kEof && r != '\n') continue;
    }
    if (r == kEof || r == '\n') return error("unterminated character constant");
    if (r == '\'') break;
  }
  return emit(ItemType::CharConstant);
}

bool Lexer::scan_number() {
  accept("+-");
  std::string_view digits = "0123456789_";
  if (accept("0")) {
    if (accept("xX")) {
      digits = "0123456789abcdefABCDEF_";
    } else if (accept("oO")) {
      digits = "01234567_";
    } else if (accept("bB")) {
      digits = "01_";
    }
  }
  accept_run(digits);
  if (accept(".")) accept_run(digits);
  if (digits.size() == 10 + 1 && accept("eE")) {
    accept("+-");
    accept_run("0123456789_");
  }
  if (digits.size() == 16 + 6 + 1 && accept("pP")) {
    accept("+-");
    accept_run("0123456789_");
  }
  accept("i");
  if (is_alphanumeric(peek())) {
    next();
    return false;
  }
  return true;
}

Lexer::State Lexer::lex_number() {
  if (!scan_number()) {
    return error("bad number syntax: " + gotext::quote(input_.substr(start_, pos_ - start_)));
  }
  char32_t sign = peek();
  if (sign == '+' || sign == '-') {
    if (!scan_number() || input_[pos_ - 1] != 'i') {
      return error("bad number syntax: " + gotext::quote(input_.substr(start_, pos_ - start_)));
    }
    return emit(ItemType::Complex);
  }
  return emit(ItemType::Number);
}

Lexer::State Lexer::lex_quote() {
  for (;;) {
    char32_t r = next();
    if (r == '\\') {
      r = next();
      if (r != kEof && r != '\n') continue;
    }
    if (r == kEof || r == '\n') return error("unterminated quoted string");
    if (r == '"') break;
  }
  return emit(ItemType::String);
}

Lexer::State Lexer::lex_raw_quote() {
  for (;;) {
    char32_t r = next();
    if (r == kEof) return error("unterminated raw quoted string");
    if (r == '`') break;
  }
  return emit(ItemType::RawString);
}

}  // namespace vitals::alert_template::detail
