#include "agent/scrape/health_json_parser.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

namespace vitals {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 4> kCheckStatuses{"healthy", "degraded", "unhealthy",
                                                         "unknown"};
constexpr std::array<std::string_view, 3> kServiceStatuses{"healthy", "degraded", "unhealthy"};

// Thrown inside the parser only, caught at its edge and turned into an Error.
struct BadField {
  std::string message;
};

[[noreturn]] void bad(const std::string& path, const std::string& why) {
  throw BadField{"health JSON: " + path + ": " + why};
}

const Json& field(const Json& object, const std::string& path, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) bad(path + key, "missing");
  return *it;
}

template <std::size_t N>
std::string one_of(const Json& value, const std::string& path,
                   const std::array<std::string_view, N>& allowed) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (value.is_string() && std::find(allowed.begin(), allowed.end(), text) != allowed.end()) {
    return text;
  }
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  bad(path, "expected one of " + list + ", got " + (value.is_string() ? "\"" + text + "\"" : text));
}

std::map<std::string, std::string> string_map(const Json& value, const std::string& path) {
  if (!value.is_object()) bad(path, "expected an object");
  std::map<std::string, std::string> out;
  for (const auto& [key, v] : value.items()) {
    out[key] = v.is_string() ? v.get<std::string>() : v.dump();  // tolerate numbers and bools
  }
  return out;
}

ScrapedCheck read_check(const std::string& name, const Json& value) {
  const std::string path = "checks." + name + ".";
  if (!value.is_object()) bad("checks." + name, "expected an object");
  ScrapedCheck check;
  check.name = name;
  check.status = one_of(field(value, path, "status"), path + "status", kCheckStatuses);
  if (auto e = value.find("error"); e != value.end() && !e->is_null()) {
    if (!e->is_string()) bad(path + "error", "expected a string or null");
    check.error = e->get<std::string>();
  }
  if (auto m = value.find("metadata"); m != value.end())
    check.metadata = string_map(*m, path + "metadata");
  if (auto d = value.find("duration_seconds"); d != value.end() && d->is_number()) {
    check.duration_seconds = d->get<double>();
  }
  if (auto f = value.find("consecutive_failures"); f != value.end() && f->is_number_integer()) {
    check.consecutive_failures = f->get<int>();
  }
  if (auto c = value.find("critical"); c != value.end() && c->is_boolean())
    check.critical = c->get<bool>();
  if (auto t = value.find("tags"); t != value.end() && t->is_array()) {
    for (const Json& tag : *t) {
      if (tag.is_string()) check.tags.push_back(tag.get<std::string>());
    }
  }
  return check;
}

ServiceHealthReport read_report(const Json& body) {
  if (!body.is_object()) bad("body", "expected a JSON object");
  ServiceHealthReport report;
  report.status = one_of(field(body, "", "status"), "status", kServiceStatuses);
  if (auto s = body.find("service"); s != body.end() && s->is_string()) {
    report.service = s->get<std::string>();
  }
  const Json& checks = field(body, "", "checks");
  if (!checks.is_object()) bad("checks", "expected an object");
  for (const auto& [name, value] : checks.items()) report.checks.push_back(read_check(name, value));
  return report;
}

}  // namespace

Result<ServiceHealthReport> parse_health_json(std::string_view body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return make_error(ErrorCode::InvalidArgument, "health JSON: not valid JSON");
  }
  try {
    return read_report(parsed);
  } catch (const BadField& e) {
    return make_error(ErrorCode::InvalidArgument, e.message);
  } catch (const Json::exception& e) {  // e.g. a value out of an int's range
    return make_error(ErrorCode::InvalidArgument, std::string("health JSON: ") + e.what());
  }
}

}  // namespace vitals
