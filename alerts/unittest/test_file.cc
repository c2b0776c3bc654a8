// The edge of the unit-test file reader: yaml-cpp's exceptions become errors, merge keys are
// resolved as Go's YAML decoder does, and every mapping is read with a fixed set of keys.
#include "alerts/unittest/test_file.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "agent/config/yaml_reader.h"
#include "alerts/rules/yaml_merge.h"
#include "vitals/common/duration.h"

namespace vitals::unittest {
namespace {

using vitals::detail::MapReader;
using vitals::detail::YamlItem;
using vitals::detail::YamlReader;

bool read_ms(const MapReader& map, std::string_view key, std::int64_t& out) {
  Duration d{};
  if (!map.read(key, d)) return false;
  out = to_ms(d);
  return true;
}

// A YAML float as Go's decoder reads one: decimal or exponent notation, .inf and .nan.
std::optional<double> parse_yaml_float(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::nan("");
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return negative ? -value : value;
}

class FileReader {
 public:
  explicit FileReader(const std::string& path) : reader_(path) {}

  Result<UnitTestFile> read(const YAML::Node& root) {
    UnitTestFile file;
    file.path = reader_.file();
    MapReader top(
        reader_, root, "",
        {"rule_files", "evaluation_interval", "group_eval_order", "tests", "fuzzy_compare"});
    top.read("rule_files", file.rule_files);
    read_ms(top, "evaluation_interval", file.evaluation_interval_ms);
    if (file.evaluation_interval_ms == 0) file.evaluation_interval_ms = 60'000;
    top.read("group_eval_order", file.group_eval_order);
    top.read("fuzzy_compare", file.fuzzy_compare);
    for (const YamlItem& item : top.items("tests")) file.tests.push_back(read_group(item));
    if (!reader_.ok()) return tl::unexpected(reader_.error());
    return file;
  }

 private:
  TestGroup read_group(const YamlItem& item) {
    TestGroup group;
    MapReader g(reader_, item,
                {"interval", "input_series", "alert_rule_test", "promql_expr_test",
                 "external_labels", "external_url", "name", "start_timestamp"});
    read_ms(g, "interval", group.interval_ms);
    g.read("name", group.name);
    g.read("external_labels", group.external_labels);
    g.read("external_url", group.external_url);
    std::string start;
    if (g.read("start_timestamp", start)) {
      auto ms = parse_start_timestamp(start);
      if (!ms) g.fail("start_timestamp", "expected Unix seconds or an RFC 3339 time");
      group.start_ms = ms.value_or(0);
    }
    for (const YamlItem& series : g.items("input_series")) {
      MapReader s(reader_, series, {"series", "values"});
      InputSeries input{.where = s.where()};
      s.read("series", input.series);
      s.read("values", input.values);
      group.input_series.push_back(std::move(input));
    }
    for (const YamlItem& test : g.items("alert_rule_test")) {
      group.alert_rule_tests.push_back(read_alert_test(test));
    }
    for (const YamlItem& test : g.items("promql_expr_test")) {
      group.promql_expr_tests.push_back(read_promql_test(test));
    }
    return group;
  }

  AlertTestCase read_alert_test(const YamlItem& item) {
    AlertTestCase test;
    MapReader m(reader_, item, {"eval_time", "alertname", "exp_alerts"});
    read_ms(m, "eval_time", test.eval_time_ms);
    m.read("alertname", test.alertname);
    for (const YamlItem& alert : m.items("exp_alerts")) {
      MapReader a(reader_, alert, {"exp_labels", "exp_annotations"});
      ExpectedAlert expected;
      a.read("exp_labels", expected.labels);
      a.read("exp_annotations", expected.annotations);
      test.exp_alerts.push_back(std::move(expected));
    }
    return test;
  }

  PromqlTestCase read_promql_test(const YamlItem& item) {
    PromqlTestCase test;
    MapReader m(reader_, item, {"expr", "eval_time", "exp_samples"});
    m.read("expr", test.expr);
    read_ms(m, "eval_time", test.eval_time_ms);
    for (const YamlItem& sample : m.items("exp_samples")) {
      MapReader s(reader_, sample, {"labels", "value", "histogram"});
      ExpectedSample expected;
      s.read("labels", expected.labels);
      s.read("histogram", expected.histogram);
      std::string value;
      if (s.read("value", value)) {
        auto parsed = parse_yaml_float(value);
        if (!parsed) s.fail("value", "expected a number, got \"" + value + "\"");
        expected.value = parsed.value_or(0);
      }
      test.exp_samples.push_back(std::move(expected));
    }
    return test;
  }

  YamlReader reader_;
};

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  return sys_days(std::chrono::year(year) / std::chrono::month(month) / std::chrono::day(day))
      .time_since_epoch()
      .count();
}

// Reads `count` digits at `pos` of `s`; false when they are not all digits.
bool digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + count, out);
  return ec == std::errc() && end == s.data() + pos + count;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    std::int64_t scale = 100;
    std::size_t n = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n, scale /= 10) {
      ms += (s[pos] - '0') * scale;
    }
    if (n == 0) return std::nullopt;
  }
  std::int64_t offset_minutes = 0;
  std::string_view zone = s.substr(pos);
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int zone_hours = 0, zone_minutes = 0;
    if (!digits(zone, 1, 2, zone_hours) || !digits(zone, 4, 2, zone_minutes)) return std::nullopt;
    offset_minutes = (zone[0] == '-' ? -1 : 1) * (zone_hours * 60 + zone_minutes);
  } else if (zone != "Z" && zone != "z") {
    return std::nullopt;
  }
  const std::int64_t seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86'400 +
      hour * 3'600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + ms;
}

Result<std::string> read_text(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return make_error(ErrorCode::Unavailable, "read " + path + ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::Unavailable, "open " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<std::int64_t> parse_start_timestamp(std::string_view text) {
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
    if (seconds > std::numeric_limits<std::int64_t>::max() / 1000 ||
        seconds < std::numeric_limits<std::int64_t>::min() / 1000) {
      return std::nullopt;
    }
    return seconds * 1000;
  }
  return parse_rfc3339(text);
}

Result<UnitTestFile> parse_unit_test_file(std::string_view text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::optional<SourceLocation> where;
    if (!e.mark.is_null()) where = SourceLocation{path, e.mark.line + 1, e.mark.column + 1};
    return make_error(ErrorCode::InvalidArgument, "invalid YAML: " + e.msg, where);
  }
  if (auto merged = rules::detail::resolve_merge_keys(root, path); !merged) {
    return tl::unexpected(merged.error());
  }
  try {
    return FileReader(path).read(root);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::Internal, "reading " + path + ": " + e.what());
  }
}

Result<UnitTestFile> load_unit_test_file(const std::string& path) {
  auto text = read_text(path);
  if (!text) return tl::unexpected(text.error());
  return parse_unit_test_file(*text, path);
}

}  // namespace vitals::unittest
