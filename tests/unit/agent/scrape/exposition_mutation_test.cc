// Corrupted bodies: whatever the bytes, the parser refuses or accepts them cleanly (run it
// under VITALS_SANITIZE to catch reads past the end), and what it accepts is well formed.
#include <random>
#include <set>
#include <string>

#include <doctest/doctest.h>
#include "agent/scrape/text_format_parser.h"
#include "tests/unit/agent/scrape/exposition_recorder.h"

namespace {

constexpr std::string_view kTextBody =
    "# HELP http_requests_total Requests \\\\ by \\n code.\n"
    "# TYPE http_requests_total counter\n"
    "http_requests_total{method=\"post\",code=\"200\",path=\"/a\\\"b\\\\c\\n\"} 1027 "
    "1395066363000\n"
    "# TYPE latency_seconds histogram\n"
    "latency_seconds_bucket{le=\"0.5\"} 3\nlatency_seconds_bucket{le=\"+Inf\"} 4\n"
    "latency_seconds_sum 1.5e-3\nlatency_seconds_count 4\n"
    "  weird { a = \"Zürich\" , } -Inf -12\n";

constexpr std::string_view kOpenMetricsBody =
    "# TYPE foo histogram\n# UNIT foo seconds\n# HELP foo Some \\\"text\\\".\n"
    "foo_bucket{le=\"1\"} 11 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n"
    "foo_bucket{le=\"+Inf\"} 17 1520879607.789 # {a=\"\\\\\"} 9.8 1520879607.789\n"
    "foo_count 17\nfoo_created 1520430000.123\n"
    "# TYPE s stateset\ns{s=\"a\"} 1\n# EOF\n";

constexpr std::string_view kAlphabet = "{}\"\\=, \t#\n\r.eE+-019azAZ_:\x80\xc3\xbc\xff";

std::string mutate(std::string body, std::mt19937& random) {
  const int edits = 1 + static_cast<int>(random() % 4);
  for (int i = 0; i < edits; ++i) {
    const std::size_t at = random() % (body.size() + 1);
    const char c = kAlphabet[random() % kAlphabet.size()];
    switch (random() % 3) {
      case 0:
        body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), c);
        break;
      case 1:
        if (at < body.size()) body.erase(at, 1);
        break;
      default:
        if (at < body.size()) body[at] = c;
    }
  }
  return body;
}

void check_well_formed(const vitals::testing::ExpositionRecorder& recorder) {
  for (const auto& sample : recorder.samples) {
    REQUIRE_FALSE(sample.name.empty());
    std::set<std::string> names;
    for (const auto& [name, value] : sample.labels) {
      REQUIRE_FALSE(name.empty());
      REQUIRE(names.insert(name).second);
    }
  }
}

}  // namespace

TEST_CASE("corrupted bodies are refused with a line number or parsed well formed") {
  std::mt19937 random(20260101);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    const bool open_metrics = i % 2 == 1;
    const std::string body =
        mutate(std::string(open_metrics ? kOpenMetricsBody : kTextBody), random);
    vitals::testing::ExpositionRecorder recorder;
    auto parsed = vitals::parse_exposition(body,
                                           open_metrics ? vitals::ExpositionFormat::OpenMetrics
                                                        : vitals::ExpositionFormat::PrometheusText,
                                           recorder);
    if (parsed) {
      ++accepted;
      check_well_formed(recorder);
      REQUIRE(parsed->samples == recorder.samples.size());
    } else {
      CAPTURE(body);
      REQUIRE(parsed.error().message.starts_with("line "));
    }
  }
  // Some edits are harmless (a digit in a value, a letter in a HELP), most are not.
  CHECK(accepted > 1000);
  CHECK(accepted < 19000);
}
