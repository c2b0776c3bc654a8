// The edge of the config reader: YAML text or a file in, yaml-cpp's exceptions turned into
// errors, and the small top-level sections read here.
#include "agent/config/load_config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "agent/config/sections.h"
#include "agent/config/value_syntax.h"
#include "vitals/common/duration.h"

namespace vitals {
namespace detail {

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

namespace {

void require_positive(const MapReader& m, std::string_view key, Duration value) {
  if (value <= Duration::zero()) m.fail(key, "must be greater than 0");
}

// An unset scrape_timeout is 10s capped at scrape_interval, as in Prometheus.
void read_global(const MapReader& m, GlobalConfig& g) {
  if (m.read("scrape_interval", g.scrape_interval)) {
    require_positive(m, "scrape_interval", g.scrape_interval);
  }
  g.scrape_timeout = std::min(g.scrape_timeout, g.scrape_interval);
  if (m.read("scrape_timeout", g.scrape_timeout)) {
    require_positive(m, "scrape_timeout", g.scrape_timeout);
    if (g.scrape_timeout > g.scrape_interval) {
      m.fail("scrape_timeout", format_duration(g.scrape_timeout) +
                                   " is longer than scrape_interval " +
                                   format_duration(g.scrape_interval));
    }
  }
  if (m.read("evaluation_interval", g.evaluation_interval)) {
    require_positive(m, "evaluation_interval", g.evaluation_interval);
  }
  m.read_labels("external_labels", g.external_labels);
  double& fraction = g.vantage_failing_fraction;
  if (m.read("vantage_failing_fraction", fraction) && !(fraction > 0 && fraction <= 1)) {
    m.fail("vantage_failing_fraction", "must be greater than 0 and at most 1");
  }
}

void read_storage(const MapReader& m, StorageConfig& s) {
  if (m.read("path", s.path) && s.path.empty()) m.fail("path", "must not be empty");
  if (m.read("retention", s.retention)) require_positive(m, "retention", s.retention);
  if (m.read("window_retention", s.window_retention) &&
      s.window_retention < std::chrono::minutes(5)) {
    m.fail("window_retention", "must be at least 5m, PromQL's lookback");
  }
}

void read_web(const MapReader& m, const std::string& base_dir, WebConfig& w) {
  // ":9464" listens on every interface, as Prometheus' --web.listen-address allows.
  if (m.read("listen_address", w.listen_address) && !parse_host_port(w.listen_address) &&
      !(w.listen_address.starts_with(':') && parse_host_port("0.0.0.0" + w.listen_address))) {
    m.fail("listen_address", "expected host:port, got \"" + w.listen_address + "\"");
  }
  if (m.read("admin_token_file", w.admin_token_file)) {
    w.admin_token_file = resolve_path(base_dir, *w.admin_token_file);
  }
  const MapReader limit = m.map("api_rate_limit", {"requests_per_second", "burst"});
  if (limit.read("requests_per_second", w.api_requests_per_second) &&
      w.api_requests_per_second < 0) {
    limit.fail("requests_per_second", "must be 0 (no limit) or more");
  }
  if (limit.read("burst", w.api_burst) && w.api_burst < 1) {
    limit.fail("burst", "must be at least 1");
  }
}

void read_rule_files(const MapReader& top, const std::string& base_dir,
                     std::vector<RuleFilePattern>& out) {
  for (const YamlItem& item : top.items("rule_files")) {
    if (!item.node.IsScalar() || item.node.Scalar().empty()) {
      top.reader().fail(item.where, item.path + ": expected a file name or glob pattern, got " +
                                        describe(item.node));
      return;
    }
    const std::string& pattern = item.node.Scalar();
    out.push_back(RuleFilePattern{pattern, resolve_path(base_dir, pattern), item.where});
  }
}

void read_status_page(const MapReader& m, StatusPageConfig& page) {
  m.read("title", page.title);
  for (const YamlItem& item : m.items("components")) {
    MapReader c(m.reader(), item,
                {"name", "description", "services", "probes", "alert_matchers", "slo"});
    StatusComponentConfig component;
    if (c.require("name") && c.read("name", component.name) && component.name.empty()) {
      c.fail("name", "must not be empty");
    }
    c.read("description", component.description);
    c.read("services", component.services);
    c.read("probes", component.probes);
    c.read_matchers("alert_matchers", component.alert_matchers);
    if (c.read("slo", component.slo) && !(*component.slo > 0 && *component.slo < 100)) {
      c.fail("slo", "must be a percentage between 0 and 100, like 99.9");
    }
    page.components.push_back(std::move(component));
  }
}

void read_sharding(const MapReader& m, ShardingConfig& s) {
  if (m.read_count("total", s.total) && s.total < 1) m.fail("total", "must be at least 1");
  if (m.read_count("index", s.index) && m.reader().ok() && s.index >= s.total) {
    m.fail("index", std::to_string(s.index) + " is out of range for total " +
                        std::to_string(s.total) + " (want 0 <= index < total)");
  }
}

void read_config(YamlReader& reader, const YAML::Node& root, Config& config) {
  std::string base_dir = std::filesystem::path(config.source_file).parent_path().string();
  MapReader top(reader, root, "",
                {"global", "storage", "web", "services", "probes", "rule_files", "alerting",
                 "status_page", "sharding"});
  read_global(top.map("global", {"scrape_interval", "scrape_timeout", "evaluation_interval",
                                 "external_labels", "vantage_failing_fraction"}),
              config.global);
  read_storage(top.map("storage", {"path", "retention", "window_retention"}), config.storage);
  read_web(top.map("web", {"listen_address", "admin_token_file", "api_rate_limit"}), base_dir,
           config.web);
  read_services(top, config.global, base_dir, config.services);
  read_probes(top, config.global, config.probes);
  read_rule_files(top, base_dir, config.rule_files);
  read_alerting(top, base_dir, config.alerting);
  read_status_page(top.map("status_page", {"title", "components"}), config.status_page);
  read_sharding(top.map("sharding", {"total", "index"}), config.sharding);
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// yaml-cpp reports syntax errors by throwing; they stop here.
Result<YAML::Node> load_yaml(std::string_view text, const std::string& file_name) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::optional<SourceLocation> where;
    if (!e.mark.is_null()) where = SourceLocation{file_name, e.mark.line + 1, e.mark.column + 1};
    return make_error(ErrorCode::InvalidArgument, "invalid YAML: " + e.msg, where);
  }
}

}  // namespace
}  // namespace detail

Result<Config> parse_config(std::string_view yaml_text, const std::string& file_name) {
  auto root = detail::load_yaml(yaml_text, file_name);
  if (!root) return tl::unexpected(root.error());
  Config config;
  config.source_file = file_name;
  detail::YamlReader reader(file_name);
  try {
    detail::read_config(reader, *root, config);
  } catch (const YAML::Exception& e) {
    // Not expected once the text has parsed; kept so no yaml-cpp exception crosses our edge.
    return make_error(ErrorCode::Internal, "reading " + file_name + ": " + e.what());
  }
  if (!reader.ok()) return tl::unexpected(reader.error());
  config.locations = reader.take_locations();
  if (auto valid = validate_config(config); !valid) return tl::unexpected(valid.error());
  return config;
}

Result<Config> load_config(const std::string& path) {
  auto fail = [&](int err) {
    return make_error(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Unavailable,
                      "cannot read config file \"" + path + "\": " + std::strerror(err));
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail(EISDIR);
  std::unique_ptr<std::FILE, detail::FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return fail(errno);
  std::string text;
  char buffer[16384];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get())) text.append(buffer, n);
  if (std::ferror(file.get())) return fail(errno != 0 ? errno : EIO);
  return parse_config(text, path);
}

}  // namespace vitals
