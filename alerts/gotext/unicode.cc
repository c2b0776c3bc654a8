// Go's unicode classes (unicode.h), from the C library's wide-character tables.
#include "alerts/gotext/unicode.h"

#include <locale.h>
#include <wctype.h>

#include "alerts/gotext/utf8.h"

namespace vitals::gotext {
namespace {

// The C.UTF-8 locale for the wide-character classification functions; nullptr if the C library
// has none, in which case non-ASCII runes are treated as printable letters without case.
locale_t utf8_locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return locale;
}

// Characters Go's unicode.IsPrint rejects although the C library calls them graphic: no-break
// spaces, format characters (Cf) and private use (Co).
bool go_not_printable(char32_t r) {
  switch (r) {
    case 0x00A0:
    case 0x00AD:
    case 0x061C:
    case 0x06DD:
    case 0x070F:
    case 0x180E:
    case 0x2007:
    case 0x202F:
    case 0xFEFF:
      return true;
    default:
      break;
  }
  return (r >= 0x0600 && r <= 0x0605) || (r >= 0x200B && r <= 0x200F) ||
         (r >= 0x2028 && r <= 0x202E) || (r >= 0x2060 && r <= 0x206F) ||
         (r >= 0xFFF9 && r <= 0xFFFB) || (r >= 0xE000 && r <= 0xF8FF) || r >= 0xE0000;
}

}  // namespace

bool is_letter(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  locale_t loc = utf8_locale();
  return loc ? iswalpha_l(static_cast<wint_t>(r), loc) != 0 : true;
}

bool is_digit(char32_t r) {
  return r >= '0' && r <= '9';
}

bool is_print(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (!valid_rune(r) || go_not_printable(r)) return false;
  locale_t loc = utf8_locale();
  return loc ? iswgraph_l(static_cast<wint_t>(r), loc) != 0 : true;
}

bool is_upper(char32_t r) {
  if (r < 0x80) return r >= 'A' && r <= 'Z';
  locale_t loc = utf8_locale();
  return loc && iswupper_l(static_cast<wint_t>(r), loc) != 0;
}

bool is_lower(char32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z';
  locale_t loc = utf8_locale();
  return loc && iswlower_l(static_cast<wint_t>(r), loc) != 0;
}

char32_t to_upper(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  locale_t loc = utf8_locale();
  return loc ? static_cast<char32_t>(towupper_l(static_cast<wint_t>(r), loc)) : r;
}

char32_t to_lower(char32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  locale_t loc = utf8_locale();
  return loc ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(r), loc)) : r;
}

}  // namespace vitals::gotext
