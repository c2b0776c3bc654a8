#include "agent/expose/exposition.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

TEST_CASE("a family prints HELP and TYPE, then its samples with escaped labels") {
  vitals::Exposition out;
  out.family("probe_success", "gauge", "Whether the probe succeeded.\nMultiline \\ help.");
  out.sample("probe_success", {{"probe", "card-api"}, {"note", "a \"quoted\"\nvalue\\"}}, 1);
  out.sample("probe_success", {}, 0);
  CHECK(out.text() ==
        "# HELP probe_success Whether the probe succeeded.\\nMultiline \\\\ help.\n"
        "# TYPE probe_success gauge\n"
        "probe_success{probe=\"card-api\",note=\"a \\\"quoted\\\"\\nvalue\\\\\"} 1\n"
        "probe_success 0\n");
}

TEST_CASE("sample values print as Go's strconv.FormatFloat(v, 'g', -1, 64)") {
  CHECK(vitals::format_sample_value(1) == "1");
  CHECK(vitals::format_sample_value(0.1) == "0.1");
  CHECK(vitals::format_sample_value(1e21) == "1e+21");
  CHECK(vitals::format_sample_value(999999) == "999999");
  CHECK(vitals::format_sample_value(1e6) == "1e+06");
  CHECK(vitals::format_sample_value(1234567) == "1.234567e+06");
  CHECK(vitals::format_sample_value(100000) == "100000");
  CHECK(vitals::format_sample_value(0.0001) == "0.0001");
  CHECK(vitals::format_sample_value(0.00001234) == "1.234e-05");
  CHECK(vitals::format_sample_value(-2.5) == "-2.5");
  CHECK(vitals::format_sample_value(1.5e-7) == "1.5e-07");
  CHECK(vitals::format_sample_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(vitals::format_sample_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(vitals::format_sample_value(std::nan("")) == "NaN");
}
