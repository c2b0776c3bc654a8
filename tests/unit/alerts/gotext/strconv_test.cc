// Go's strconv as PromQL's errors and the alert templates print with it. The expected strings
// are Go's (strconv's own tests, or what Go 1.19 printed for the same input).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "alerts/gotext/strconv.h"

namespace vitals::gotext {
namespace {

TEST_CASE("strconv.FormatFloat spells shortest and fixed-precision forms as Go does") {
  CHECK(format_float(1e21, 'g', -1) == "1e+21");
  CHECK(format_float(1e20, 'g', -1) == "1e+20");
  CHECK(format_float(100000, 'g', -1) == "100000");
  CHECK(format_float(1000000, 'g', -1) == "1e+06");
  CHECK(format_float(0.1, 'e', -1) == "1e-01");
  CHECK(format_float(123.456, 'f', -1) == "123.456");
  CHECK(format_float(0, 'g', -1) == "0");
  CHECK(format_float(0, 'e', -1) == "0e+00");
  CHECK(format_float(1234567, 'g', 4) == "1.235e+06");
  CHECK(format_float(100, 'g', 4) == "100");
  CHECK(format_float(HUGE_VAL, 'f', 2) == "+Inf");
  CHECK(format_float(-HUGE_VAL, 'e', -1) == "-Inf");
  CHECK(format_float(std::nan(""), 'g', -1) == "NaN");
  CHECK(format_float(-0.0, 'g', -1) == "-0");
  CHECK(format_float(1.5, 'x', -1) == "0x1.8p+00");
  CHECK(format_float(0, 'x', -1) == "0x0p+00");
  CHECK(format_float(-0.1, 'X', -1) == "-0X1.999999999999AP-04");
  CHECK(format_float(3.0, 'x', 2) == "0x1.80p+01");
  CHECK(format_float(1.0, 'b', -1) == "4503599627370496p-52");
  CHECK(format_float(5e-324, 'b', -1) == "1p-1074");  // the smallest subnormal
}

TEST_CASE("strconv.ParseFloat accepts Go's syntax and reports Go's errors") {
  CHECK(parse_float("1.5").value() == 1.5);
  CHECK(parse_float("-1e3").value() == -1000);
  CHECK(parse_float(".5").value() == 0.5);
  CHECK(parse_float("5.").value() == 5);
  CHECK(parse_float("1_000").value() == 1000);
  CHECK(parse_float("1e1_0").value() == 1e10);  // underscores in the exponent too
  CHECK(parse_float("0x1p10").value() == 1024);
  CHECK(parse_float("1e-400").value() == 0);  // an underflow is no error
  CHECK(std::isinf(parse_float("+Inf").value()));
  CHECK(std::isinf(parse_float("-infinity").value()));
  CHECK(std::isnan(parse_float("nan").value()));
  CHECK(parse_float("one").error().message ==
        "strconv.ParseFloat: parsing \"one\": invalid syntax");
  CHECK(parse_float(" 1").error().message == "strconv.ParseFloat: parsing \" 1\": invalid syntax");
  CHECK(parse_float("1e999").error().message ==
        "strconv.ParseFloat: parsing \"1e999\": value out of range");
  CHECK(!parse_float("0x1").has_value());  // a hexadecimal float needs its p exponent
  CHECK(!parse_float("1__0").has_value());
  CHECK(!parse_float("_1").has_value());
  CHECK(!parse_float("+nan").has_value());
  CHECK(!parse_float("1.2.3").has_value());
  CHECK(!parse_float("").has_value());
}

TEST_CASE("strconv.ParseInt and ParseUint with base 0 read Go's prefixes and underscores") {
  CHECK(parse_int("42") == 42);
  CHECK(parse_int("-42") == -42);
  CHECK(parse_int("+7") == 7);
  CHECK(parse_int("0x1F") == 31);
  CHECK(parse_int("0o17") == 15);
  CHECK(parse_int("017") == 15);  // a leading 0 is octal
  CHECK(parse_int("0b101") == 5);
  CHECK(parse_int("0") == 0);
  CHECK(parse_int("1_000") == 1000);
  CHECK(parse_int("0x_1F") == 31);
  CHECK(parse_int("9223372036854775807") == INT64_MAX);
  CHECK(parse_int("-9223372036854775808") == INT64_MIN);
  CHECK_FALSE(parse_int("9223372036854775808").has_value());
  CHECK_FALSE(parse_int("09").has_value());  // not octal: ParseFloat's turn
  CHECK_FALSE(parse_int("1__0").has_value());
  CHECK_FALSE(parse_int("1_").has_value());
  CHECK_FALSE(parse_int("1.5").has_value());
  CHECK_FALSE(parse_int("").has_value());
  CHECK(parse_uint("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(parse_uint("18446744073709551616").has_value());
  CHECK_FALSE(parse_uint("-1").has_value());
}

TEST_CASE("strconv.Quote escapes as Go does") {
  CHECK(quote("a\"b\\c\n\t") == "\"a\\\"b\\\\c\\n\\t\"");
  CHECK(quote("héllo ☃") == "\"héllo ☃\"");
  CHECK(quote("\x01\x7f") == "\"\\x01\\x7f\"");
  CHECK(quote("\xff") == "\"\\xff\"");
  CHECK(quote("\xc0\xaf") == "\"\\xc0\\xaf\"");  // an overlong "/" is two bad bytes
  CHECK(quote("\xc2\xa0\u200b\u2028") == "\"\\u00a0\\u200b\\u2028\"");  // not unicode.IsPrint
  CHECK(quote("\U000e0001") == "\"\\U000e0001\"");
  CHECK(quote_to_ascii("é☃") == "\"\\u00e9\\u2603\"");
  CHECK(quote_rune('a') == "'a'");
  CHECK(quote_rune('\'') == "'\\''");
  CHECK(quote_rune('"') == "'\"'");
  CHECK(quote_rune(0xD800) == "'�'");  // a surrogate is no rune
  CHECK(quote_rune(0x2603, true) == "'\\u2603'");
  CHECK(can_backquote("abc"));
  CHECK(can_backquote("a\tb"));
  CHECK_FALSE(can_backquote("a`b"));
  CHECK_FALSE(can_backquote("a\nb"));
  CHECK_FALSE(can_backquote("\xff"));
}

TEST_CASE("strconv.Unquote reads Go's string literals") {
  CHECK(unquote("\"a\\tb\\x41\\101\\u00e9\"").value() == "a\tbAAé");
  CHECK(unquote("\"\\xff\"").value() == "\xff");  // \x is a byte, not a rune
  CHECK(unquote("\"\\U0001F600\"").value() == "😀");
  CHECK(unquote("`raw\\n\r`").value() == "raw\\n");  // raw strings drop carriage returns
  CHECK(unquote("'a'").value() == "a");
  CHECK(unquote("'\\''").value() == "'");
  CHECK_FALSE(unquote("'ab'").has_value());  // a rune literal holds one rune
  CHECK_FALSE(unquote("\"\\z\"").has_value());
  CHECK_FALSE(unquote("\"\\'\"").has_value());
  CHECK_FALSE(unquote("\"\\ud800\"").has_value());
  CHECK_FALSE(unquote("\"\\400\"").has_value());
  CHECK_FALSE(unquote("\"\\x1\x11\"").has_value());  // only 0-9, a-f and A-F are hex digits
  CHECK_FALSE(unquote("\"a\nb\"").has_value());
  CHECK_FALSE(unquote("\"abc").has_value());
}

TEST_CASE("strconv.UnquoteChar reads one character and says whether it is a byte") {
  auto plain = unquote_char("ab", '"');
  REQUIRE(plain);
  CHECK(plain->rune == 'a');
  CHECK(plain->used == 1);
  auto byte = unquote_char("\\377x", '"');
  REQUIRE(byte);
  CHECK(byte->rune == 0xFF);
  CHECK_FALSE(byte->multibyte);
  CHECK(byte->used == 4);
  auto rune = unquote_char("\\u00e9", '"');
  REQUIRE(rune);
  CHECK(rune->rune == 0xE9);
  CHECK(rune->multibyte);
  auto utf8 = unquote_char("é", '"');
  REQUIRE(utf8);
  CHECK(utf8->rune == 0xE9);
  CHECK(utf8->used == 2);
  CHECK(unquote_char("\\'", '\'').has_value());
  CHECK_FALSE(unquote_char("\\'", '"').has_value());
  CHECK_FALSE(unquote_char("\"", '"').has_value());
  CHECK_FALSE(unquote_char("\\", '"').has_value());
}

}  // namespace
}  // namespace vitals::gotext
