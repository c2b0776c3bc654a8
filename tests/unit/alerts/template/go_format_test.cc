// Go's fmt as alert templates print with it (strconv itself: tests/unit/alerts/gotext). Every
// expected string was produced by Go itself: the same printf through Debian's promtool
// (Prometheus 2.42, Go 1.19).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "alerts/template/go_format.h"

namespace vitals::alert_template::detail {
namespace {

Value F(double v) {
  return Value::float64(v);
}
Value I(std::int64_t v) {
  return Value::integer(v);
}
Value S(std::string v) {
  return Value::string(std::move(v));
}
Value B(bool v) {
  return Value::boolean(v);
}
Value N() {
  return Value{};
}
Value M() {
  auto map = std::make_shared<ValueMap>();
  (*map)["__name__"] = S("m");
  (*map)["instance"] = S("localhost:9090");
  (*map)["job"] = S("api");
  return Value::string_map(map);
}

struct PrintfCase {
  std::string format;
  std::vector<Value> args;
  std::string want;
};

TEST_CASE("printf formats floats, integers, strings, bools, nil and maps as Go's Sprintf does") {
  const std::vector<PrintfCase> cases = {
      {"%v", {F(1000000.0)}, "1e+06"},
      {"%v", {F(1.5e-07)}, "1.5e-07"},
      {"%v", {F(123456.0)}, "123456"},
      {"%v", {F(1234567.0)}, "1.234567e+06"},
      {"%v", {F(0.1)}, "0.1"},
      {"%v", {F(-0.0)}, "-0"},
      {"%v", {F(1e21)}, "1e+21"},
      {"%v", {F(0.0001)}, "0.0001"},
      {"%v", {F(0.00001)}, "1e-05"},
      {"%v", {F(5e-324)}, "5e-324"},
      {"%v", {F(1.7976931348623157e308)}, "1.7976931348623157e+308"},
      {"%g", {F(3.14159)}, "3.14159"},
      {"%G", {F(1e-10)}, "1E-10"},
      {"%e", {F(12345.678)}, "1.234568e+04"},
      {"%E", {F(12345.678)}, "1.234568E+04"},
      {"%f", {F(3.14159)}, "3.141590"},
      {"%F", {F(2.5)}, "2.500000"},
      {"%.2f", {F(3.14159)}, "3.14"},
      {"%.0f", {F(2.5)}, "2"},
      {"%.0f", {F(3.5)}, "4"},
      {"%8.3f|", {F(3.14159)}, "   3.142|"},
      {"%-8.3f|", {F(3.14159)}, "3.142   |"},
      {"%08.3f", {F(-3.14159)}, "-003.142"},
      {"%+.1e", {F(12345.678)}, "+1.2e+04"},
      {"%5.1f", {F(3.14159)}, "  3.1"},
      {"% f", {F(1.5)}, " 1.500000"},
      {"%+f", {F(1.5)}, "+1.500000"},
      {"%x", {F(1.5)}, "0x1.8p+00"},
      {"%X", {F(-0.1)}, "-0X1.999999999999AP-04"},
      {"%.2x", {F(3.0)}, "0x1.80p+01"},
      {"%b", {F(1.0)}, "4503599627370496p-52"},
      {"%#g", {F(1.0)}, "1.00000"},
      {"%#.3g", {F(2.0)}, "2.00"},
      {"%#e", {F(3.0)}, "3.000000e+00"},
      {"%#f", {F(4.0)}, "4.000000"},
      {"%.3v", {F(3.14159)}, "3.14"},
      {"%10.4g|", {F(1234567.0)}, " 1.235e+06|"},
      {"%.4g", {F(0.000012345)}, "1.234e-05"},
      {"%d", {F(3.5)}, "%!d(float64=3.5)"},
      {"%s", {F(3.5)}, "%!s(float64=3.5)"},
      {"%5d", {F(1.5)}, "%!d(float64=  1.5)"},
      {"%q", {F(1.5)}, "%!q(float64=1.5)"},
      {"%d", {I(42)}, "42"},
      {"%5d|", {I(42)}, "   42|"},
      {"%-5d|", {I(42)}, "42   |"},
      {"%05d", {I(-42)}, "-0042"},
      {"%x", {I(255)}, "ff"},
      {"%X", {I(255)}, "FF"},
      {"%#x", {I(255)}, "0xff"},
      {"%o", {I(8)}, "10"},
      {"%#o", {I(8)}, "010"},
      {"%O", {I(8)}, "0o10"},
      {"%b", {I(5)}, "101"},
      {"%c", {I(65)}, "A"},
      {"%q", {I(65)}, "'A'"},
      {"%U", {I(9731)}, "U+2603"},
      {"%#U", {I(9731)}, "U+2603 '☃'"},
      {"%08b", {I(5)}, "00000101"},
      {"%.3d", {I(7)}, "007"},
      {"%+.3d", {I(7)}, "+007"},
      {"%x", {I(-255)}, "-ff"},
      {"%+d", {I(5)}, "+5"},
      {"% d", {I(5)}, " 5"},
      {"%.0d|", {I(0)}, "|"},
      {"%v", {I(-7)}, "-7"},
      {"%f", {I(1)}, "%!f(int=1)"},
      {"%s", {I(1)}, "%!s(int=1)"},
      {"%t", {I(1)}, "%!t(int=1)"},
      {"%s", {S("héllo")}, "héllo"},
      {"%10s|", {S("ab")}, "        ab|"},
      {"%-10s|", {S("ab")}, "ab        |"},
      {"%.2s", {S("héllo")}, "hé"},
      {"%q", {S("a\"b\n")}, "\"a\\\"b\\n\""},
      {"%#q", {S("ab")}, "`ab`"},
      {"%+q", {S("é")}, "\"\\u00e9\""},
      {"%x", {S("hi")}, "6869"},
      {"%X", {S("hi")}, "6869"},
      {"% x", {S("hi")}, "68 69"},
      {"%#x", {S("hi")}, "0x6869"},
      {"%# x", {S("hi")}, "0x68 0x69"},
      {"%5.1q", {S("abc")}, "  \"a\""},
      {"%#v", {S("x")}, "\"x\""},
      {"%6s|", {S("é")}, "     é|"},
      {"%06s", {S("ab")}, "0000ab"},
      {"%d", {S("ab")}, "%!d(string=ab)"},
      {"%q",
       {S("\xc2\xa0"
          "\x07"
          "\x7f"
          "")},
       "\"\\u00a0\\a\\x7f\""},
      {"%t", {B(true)}, "true"},
      {"%v", {B(false)}, "false"},
      {"%5t|", {B(true)}, " true|"},
      {"%d", {B(true)}, "%!d(bool=true)"},
      {"%v", {N()}, "<nil>"},
      {"%d", {N()}, "%!d(<nil>)"},
      {"%T", {N()}, "<nil>"},
      {"%s", {N()}, "%!s(<nil>)"},
      {"%v", {M()}, "map[__name__:m instance:localhost:9090 job:api]"},
      {"%+v", {M()}, "map[__name__:m instance:localhost:9090 job:api]"},
      {"%#v",
       {M()},
       "map[string]string{\"__name__\":\"m\", \"instance\":\"localhost:9090\", \"job\":\"api\"}"},
      {"%d",
       {M()},
       "map[%!d(string=__name__):%!d(string=m) %!d(string=instance):%!d(string=localhost:9090) "
       "%!d(string=job):%!d(string=api)]"},
      {"%T", {M()}, "map[string]string"},
      {"%T %T %T %T", {I(1), F(1.5), S("a"), B(true)}, "int float64 string bool"},
      {"%d %d", {I(1)}, "1 %!d(MISSING)"},
      {"%d", {I(1), I(2), S("x")}, "1%!(EXTRA int=2, string=x)"},
      {"%!", {}, "%!!(MISSING)"},
      {"%", {}, "%!(NOVERB)"},
      {"%z", {I(1)}, "%!z(int=1)"},
      {"100%% %5%", {}, "100% %"},
      {"%*d|", {I(5), I(1)}, "    1|"},
      {"%-*d|", {I(5), I(1)}, "1    |"},
      {"%.*f", {I(2), F(3.14159)}, "3.14"},
      {"%*s|", {I(-4), S("a")}, "a   |"},
      {"%*d", {S("x"), I(1)}, "%!(BADWIDTH)1"},
      {"%[2]d %[1]d", {I(1), I(2)}, "2 1"},
      {"%[3]d", {I(1)}, "%!d(BADINDEX)"},
      {"%[0]d", {I(1)}, "%!d(BADINDEX)"},
      {"%[x]d", {I(1)}, "%!d(BADINDEX)"},
      {"%.[2]d", {I(1), I(2)}, "2"},
      {"%v %v", {F(1.5), N()}, "1.5 <nil>"},
  };
  for (const auto& c : cases) {
    CHECK_MESSAGE(sprintf(c.format, c.args) == c.want, "format ", c.format);
  }
}

TEST_CASE("a float prints as %v: shortest digits, exponent of at least two digits, +Inf, NaN") {
  CHECK(format_value(F(1e6)) == "1e+06");
  CHECK(format_value(F(1.5e-7)) == "1.5e-07");
  CHECK(format_value(F(123456)) == "123456");
  CHECK(format_value(F(0.30000000000000004)) == "0.30000000000000004");
  CHECK(format_value(F(HUGE_VAL)) == "+Inf");
  CHECK(format_value(F(-HUGE_VAL)) == "-Inf");
  CHECK(format_value(F(std::nan(""))) == "NaN");
  CHECK(format_value(F(100)) == "100");
}

TEST_CASE("Sprint puts spaces only between operands that are not strings") {
  CHECK(sprint({I(1), I(2), S("a"), S("b"), I(3)}) == "1 2ab3");
  CHECK(sprint({F(1.5), F(2.5)}) == "1.5 2.5");
  CHECK(sprint({S("a"), N(), B(true)}) == "a<nil> true");
  CHECK(sprint({}) == "");
  CHECK(sprintln({I(1), S("a")}) == "1 a\n");
  CHECK(sprintln({}) == "\n");
}

}  // namespace
}  // namespace vitals::alert_template::detail
