// PromQL's quoting conventions (quoting.h), a thin layer over Go's strconv in alerts/gotext.
#include "alerts/promql/quoting.h"

#include <cstdio>

#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"

namespace vitals::promql {

std::string go_rune_name(char32_t rune) {
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(rune));
  std::string out = code;
  if (!gotext::is_print(rune)) return out;
  out += " '";
  gotext::append_rune(out, rune);
  return out + "'";
}

std::string go_quote_cut(std::string_view text, std::size_t max_runes) {
  std::size_t pos = 0;
  for (std::size_t runes = 0; runes < max_runes && pos < text.size(); ++runes) {
    pos += gotext::decode_rune(text, pos).width;
  }
  if (pos >= text.size()) return gotext::quote(text);
  return gotext::quote(text.substr(0, pos)) + "...";
}

std::string unquote(std::string_view literal) {
  if (literal.size() < 2) return {};
  const char quote = literal.front();
  std::string_view body = literal.substr(1, literal.size() - 2);
  if (quote == '`') return std::string(body);
  std::string out;
  while (!body.empty()) {
    auto c = gotext::unquote_char(body, quote);
    if (!c) {
      // The lexer has checked every escape by the same rules, so this does not happen; keep the
      // byte rather than lose the rest of the literal.
      out += body.front();
      body.remove_prefix(1);
      continue;
    }
    body.remove_prefix(c->used);
    if (c->rune < 0x80 || !c->multibyte) {
      out += static_cast<char>(c->rune);
    } else {
      gotext::append_rune(out, c->rune);
    }
  }
  return out;
}

bool is_legacy_label_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace vitals::promql
