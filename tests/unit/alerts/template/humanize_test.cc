// Prometheus' humanize functions. Expected strings are Prometheus' own test tables
// (template_test.go, common's helpers/templates tests) and what Debian's promtool printed.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "alerts/template/humanize.h"

namespace vitals::alert_template::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

TEST_CASE("humanize scales by thousands with SI prefixes and prints %.4g") {
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "0"},
      {1, "1"},
      {1234567, "1.235M"},
      {0.12, "120m"},
      {-1, "-1"},
      {0.001234, "1.234m"},
      {-1234, "-1.234k"},
      {1048576, "1.049M"},
      {1000, "1k"},
      {999999, "1000k"},
      {999.99, "1000"},
      {1e30, "1e+06Y"},
      {1e-30, "1e-06y"},
      {1e-25, "0.1y"},
      {9223372036854775807.0, "9.223E"},
      {18446744073709551615.0, "18.45E"},
      {kInf, "+Inf"},
      {-kInf, "-Inf"},
      {kNaN, "NaN"},
  };
  for (const auto& [v, want] : cases) CHECK_MESSAGE(humanize(v) == want, "value ", v);
}

TEST_CASE("humanize1024 scales by 1024 with ki, Mi, Gi and leaves |v| <= 1 alone") {
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "0"},
      {1, "1"},
      {1048576, "1Mi"},
      {0.12, "0.12"},
      {-1, "-1"},
      {1234567, "1.177Mi"},
      {1023, "1023"},
      {1024, "1ki"},
      {-2048, "-2ki"},
      {0.5, "0.5"},
      {9223372036854775807.0, "8Ei"},
      {18446744073709551615.0, "16Ei"},
      {kInf, "+Inf"},
      {-kInf, "-Inf"},
      {kNaN, "NaN"},
  };
  for (const auto& [v, want] : cases) CHECK_MESSAGE(humanize1024(v) == want, "value ", v);
}

TEST_CASE("humanizeDuration prints days to seconds, or seconds with SI prefixes below one") {
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "0s"},
      {1, "1s"},
      {60, "1m 0s"},
      {3600, "1h 0m 0s"},
      {86400, "1d 0h 0m 0s"},
      {86400 + 3600, "1d 1h 0m 0s"},
      {-(86400 * 2 + 3600 * 3 + 60 * 4 + 5), "-2d 3h 4m 5s"},
      {899.99, "14m 59s"},
      {90061, "1d 1h 1m 1s"},
      {.1, "100ms"},
      {.0001, "100us"},
      {.12345, "123.5ms"},
      {60.1, "1m 0s"},
      {60.5, "1m 0s"},
      {1.2345, "1.234s"},
      {12.345, "12.35s"},
      {0.5, "500ms"},
      {-60, "-1m 0s"},
      {-0.5, "-500ms"},
      {-1, "-1s"},
      {1e-10, "100ps"},
      {59.9999, "60s"},
      {3600.5, "1h 0m 0s"},
      {0.000999, "999us"},
      {1234567, "14d 6h 56m 7s"},
      // Beyond int64 seconds Go's conversion gives the minimum int64, and so does ours.
      {1e20, "-106751991167300d -15h -30m -8s"},
      {kInf, "+Inf"},
      {kNaN, "NaN"},
  };
  for (const auto& [v, want] : cases) CHECK_MESSAGE(humanize_duration(v) == want, "value ", v);
}

TEST_CASE("humanizePercentage multiplies by 100 and prints %.4g%%") {
  const std::vector<std::pair<double, std::string>> cases = {
      {-0.22222, "-22.22%"},   {0, "0%"},
      {0.1234567, "12.35%"},   {1.23456, "123.5%"},
      {0.959, "95.9%"},        {-1, "-100%"},
      {1234567, "1.235e+08%"}, {9223372036854775807.0, "9.223e+20%"},
      {kNaN, "NaN%"},
  };
  for (const auto& [v, want] : cases) CHECK_MESSAGE(humanize_percentage(v) == want, "value ", v);
}

TEST_CASE("humanizeTimestamp prints Go's time.Time in UTC at millisecond precision") {
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "1970-01-01 00:00:00 +0000 UTC"},
      {-1, "1969-12-31 23:59:59 +0000 UTC"},
      {1, "1970-01-01 00:00:01 +0000 UTC"},
      {1234567, "1970-01-15 06:56:07 +0000 UTC"},
      {9223372036, "2262-04-11 23:47:16 +0000 UTC"},
      {1435065584.128, "2015-06-23 13:19:44.128 +0000 UTC"},
      {1643114203, "2022-01-25 12:36:43 +0000 UTC"},
      {1.5, "1970-01-01 00:00:01.5 +0000 UTC"},
      {-1.5, "1969-12-31 23:59:58.5 +0000 UTC"},
      {0.0005, "1970-01-01 00:00:00 +0000 UTC"},
      {9223372036.854775807, "1677-09-21 00:12:43.146 +0000 UTC"},  // int64 overflow, as Go
      {kInf, "+Inf"},
      {-kInf, "-Inf"},
      {kNaN, "NaN"},
  };
  for (const auto& [v, want] : cases) {
    auto got = humanize_timestamp(v);
    REQUIRE_MESSAGE(got, "value ", v);
    CHECK(*got == want);
  }
}

TEST_CASE("humanizeTimestamp refuses times beyond int64 nanoseconds with Go's message") {
  CHECK(humanize_timestamp(-9223372036854775808.0).error().message ==
        "-9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it "
        "overflows int64");
  CHECK(humanize_timestamp(18446744073709551615.0).error().message ==
        "1.8446744073709552e+19 cannot be represented as a nanoseconds timestamp since it "
        "overflows int64");
  CHECK(humanize_timestamp(1e20).error().message ==
        "1e+20 cannot be represented as a nanoseconds timestamp since it overflows int64");
}

TEST_CASE("toTime's conversion refuses NaN and infinities") {
  CHECK(float_to_time(kNaN).error().message == "value is NaN or Inf");
  CHECK(float_to_time(kInf).error().message == "value is NaN or Inf");
  GoTime t = float_to_time(1435065584.128).value();
  CHECK(t.seconds == 1435065584);
  CHECK(t.nanos == 128000000);
}

TEST_CASE("arguments convert to float from numbers and from strings that parse as floats") {
  CHECK(convert_to_float(Value::float64(1.5)).value() == 1.5);
  CHECK(convert_to_float(Value::integer(-3)).value() == -3);
  CHECK(convert_to_float(Value::string("1048576")).value() == 1048576);
  CHECK(convert_to_float(Value::string(".12")).value() == 0.12);
  CHECK(std::isinf(convert_to_float(Value::string("+Inf")).value()));
  CHECK(convert_to_float(Value::string("one")).error().message ==
        "strconv.ParseFloat: parsing \"one\": invalid syntax");
  CHECK(convert_to_float(Value::boolean(true)).error().message == "can't convert bool to float");
  CHECK(convert_to_float(Value{}).error().message == "can't convert <nil> to float");
  CHECK(convert_to_float(Value::string("1", GoType::Html)).error().message ==
        "can't convert template.HTML to float");
}

}  // namespace
}  // namespace vitals::alert_template::detail
