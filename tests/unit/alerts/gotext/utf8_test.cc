// Go's unicode/utf8 and unicode classes: what counts as valid UTF-8 decides which label names
// Prometheus accepts, and IsPrint decides how strconv.Quote writes a rune.
#include <doctest/doctest.h>

#include <string>

#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"

namespace vitals::gotext {
namespace {

TEST_CASE("utf8.DecodeRuneInString: one bad byte at a time, as U+FFFD of width 1") {
  CHECK(decode_rune("a", 0).rune == 'a');
  CHECK(decode_rune("é", 0).width == 2);
  CHECK(decode_rune("😀", 0).rune == 0x1F600);
  CHECK(decode_rune("😀", 0).width == 4);
  CHECK(decode_rune("\xef\xbf\xbd", 0).rune == kRuneError);  // an encoded U+FFFD is no error
  CHECK_FALSE(decode_rune("\xef\xbf\xbd", 0).invalid());
  CHECK(decode_rune("\xff", 0).invalid());
  CHECK(decode_rune("\xc0\xaf", 0).invalid());      // overlong
  CHECK(decode_rune("\xed\xa0\x80", 0).invalid());  // a surrogate
  CHECK(decode_rune("\xf4\x90\x80\x80", 0).invalid());
  CHECK(decode_rune("\xe6\x97", 0).invalid());  // truncated
  CHECK(decode_rune("ab", 2).width == 0);       // the end
}

TEST_CASE("utf8.DecodeLastRuneInString reads backwards") {
  CHECK(decode_last_rune("aé", 3).rune == 0xE9);
  CHECK(decode_last_rune("aé", 3).width == 2);
  CHECK(decode_last_rune("a\x80", 2).invalid());
  CHECK(decode_last_rune("", 0).width == 0);
}

TEST_CASE("utf8.ValidString refuses what Go refuses") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("grüße, 日本, 🚀"));
  CHECK(valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  CHECK_FALSE(valid_utf8("\xFF"));
  CHECK_FALSE(valid_utf8("\xC0\xAF"));
  CHECK_FALSE(valid_utf8("\xE0\x80\xAF"));
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));
  CHECK_FALSE(valid_utf8("a\x80z"));
}

TEST_CASE("utf8.AppendRune and RuneCountInString") {
  std::string out;
  append_rune(out, 'a');
  append_rune(out, 0xE9);
  append_rune(out, 0x2603);
  append_rune(out, 0x1F600);
  append_rune(out, 0xD800);  // invalid: written as U+FFFD
  CHECK(out == "aé☃😀�");
  CHECK(rune_count(out) == 5);
  CHECK(rune_count("a\xff") == 2);
}

TEST_CASE("unicode classes: letters, digits, print and case as Go's tables have them") {
  CHECK(is_letter('x'));
  CHECK(is_letter(0xE9));
  CHECK_FALSE(is_letter('1'));
  CHECK(is_digit('7'));
  CHECK(is_print(' '));
  CHECK(is_print(0x2603));
  CHECK_FALSE(is_print('\n'));
  CHECK_FALSE(is_print(0x7F));
  CHECK_FALSE(is_print(0x85));
  CHECK_FALSE(is_print(0xA0));  // no-break space: only U+0020 prints among the spaces
  CHECK_FALSE(is_print(0xAD));  // soft hyphen, a format character
  CHECK_FALSE(is_print(0x200B));
  CHECK_FALSE(is_print(0x2028));
  CHECK_FALSE(is_print(0xFEFF));
  CHECK_FALSE(is_print(0xE000));  // private use
  CHECK(is_upper('A'));
  CHECK(is_lower(0xE9));
  CHECK(to_upper(0xE9) == 0xC9);
  CHECK(to_lower('Q') == 'q');
}

}  // namespace
}  // namespace vitals::gotext
