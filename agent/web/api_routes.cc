// The JSON API under /api/v1/. Every answer is Prometheus' envelope:
//   {"status":"success","data":<data>}
//   {"status":"error","errorType":"bad_data|not_found|unauthorized|internal|unavailable",
//    "error":"<text>"}   with 400, 404, 401, 500 or 503.
// Times are RFC 3339 in UTC with milliseconds, durations are seconds (a double). Times that have
// not happened yet are null; text a view does not have (error, reason, metadata, check) is left
// out rather than null, since null would read as "no error" where details were withheld.
//
// GET /api/v1/services  data: {"services":[service…]}, in configuration order
//   service: {"name","labels":{…},"health_url","status":"healthy|degraded|unhealthy|
//             unreachable|unknown","health":1|0.5|0|null,"since","last_scrape":T|null,
//             "scrape_duration_seconds","suppressed":bool,"reason"?,"error"?,"checks":[check…]}
//   check:   {"check","status","error"?,"metadata"?:{…},"duration_seconds","critical","since"}
// GET /api/v1/checks    data: {"checks":[check + "service"]}, every service's checks flattened
// GET /api/v1/probes    data: {"probes":[probe…],"vantage_degraded":bool}
//   probe:   {"name","kind":"http|tcp|tls|dns","target","labels":{…},"status":"up|down|unknown",
//             "since","last_run":T|null,"suppressed":bool,"last":result|null}
//   result:  {"success","duration_seconds","phases":{"resolve","connect","tls","processing",
//             "transfer"},"reason"?,"error"?,"http_status"?,"cert_expiry"?}
// GET /api/v1/series?match[]=SELECTOR…   [{"__name__":…, label: value…}, …]  (Prometheus' shape)
// GET /api/v1/labels                      ["__name__", "instance", …]
// GET /api/v1/label/NAME/values           ["value", …]
// GET /api/v1/history?target=NAME[&since=T][&limit=N]
//   since: Unix seconds or RFC 3339, default now - 24h; limit: 1-10000, default 1000.
//   data: {"changes":[change…] newest first, "rollups":[rollup…] oldest first}
//   change:  {"target","kind":"service|check|probe","check"?,"at","status","error"?,"reason"?,
//             "metadata"?}
//   rollup:  {"minute","count","successes","success_ratio","latency_avg_seconds",
//             "latency_max_seconds"}
#include <set>
#include <string>

#include <httplib.h>

#include "agent/store/series_selector.h"
#include "agent/web/api_json.h"
#include "agent/web/api_params.h"
#include "agent/web/routes.h"
#include "vitals/common/log.h"

namespace vitals::detail {
namespace {

using httplib::Request;
using httplib::Response;

constexpr std::size_t kDefaultHistoryLimit = 1000;
constexpr std::size_t kMaxHistoryLimit = 10000;
constexpr auto kDefaultHistoryWindow = std::chrono::hours(24);

struct HistoryQuery {
  std::string target{};
  WallTime since{};
  std::size_t limit = kDefaultHistoryLimit;
};

void send_data(Response& response, const nlohmann::json& data) {
  response.set_content(success_body(data), "application/json");
}

// Prometheus treats an empty parameter as an absent one.
std::string param(const Request& request, const char* name) {
  return request.has_param(name) ? request.get_param_value(name) : std::string();
}

Result<HistoryQuery> history_query(const Request& request, const Clock& clock) {
  HistoryQuery query{.target = param(request, "target"),
                     .since = clock.wall_now() - kDefaultHistoryWindow};
  if (query.target.empty()) {
    return make_error(ErrorCode::InvalidArgument, "missing parameter \"target\"");
  }
  if (std::string since = param(request, "since"); !since.empty()) {
    auto parsed = parse_api_time("since", since);
    if (!parsed) return tl::unexpected(parsed.error());
    query.since = *parsed;
  }
  if (std::string limit = param(request, "limit"); !limit.empty()) {
    auto parsed = parse_api_limit("limit", limit, kMaxHistoryLimit);
    if (!parsed) return tl::unexpected(parsed.error());
    query.limit = *parsed;
  }
  return query;
}

void store_failed(const Request& request, Response& response, const Error& error) {
  log::error("history read failed", {{"error", to_string(error)}});
  write_error(request, response, 500, "internal", "reading history failed: " + error.message);
}

void serve_history(const WebHandlers& handlers, const Request& request, Response& response) {
  if (handlers.history == nullptr) {
    return write_error(request, response, 503, "unavailable", "this agent keeps no history");
  }
  auto query = history_query(request, handlers.clock ? *handlers.clock : real_clock());
  if (!query) return write_error(request, response, 400, "bad_data", query.error().message);
  auto changes = handlers.history->changes(query->target, query->since, query->limit);
  if (!changes) return store_failed(request, response, changes.error());
  auto rollups = handlers.history->rollups(query->target, query->since);
  if (!rollups) return store_failed(request, response, rollups.error());
  send_data(response, history_json(*changes, *rollups));
}

// GET /api/v1/series?match[]=SELECTOR… : every series any selector matches, as label objects.
// The window holds only recent data, so start and end are accepted and not applied.
void serve_series(const WebHandlers& handlers, const Request& request, Response& response) {
  if (handlers.window == nullptr) {
    return write_error(request, response, 503, "unavailable", "this agent keeps no samples");
  }
  auto refs = series_matching(*handlers.window, request);
  if (!refs) return write_error(request, response, 400, "bad_data", refs.error().message);
  nlohmann::json series = nlohmann::json::array();
  for (SeriesRef ref : *refs) {
    nlohmann::json labels = nlohmann::json::object();
    for (const LabelPair& label : handlers.window->labels(ref)) labels[label.name] = label.value;
    if (!labels.empty()) series.push_back(std::move(labels));
  }
  send_data(response, std::move(series));
}

void serve_label_values(const WebHandlers& handlers, const Request& request, Response& response) {
  if (handlers.window == nullptr) {
    return write_error(request, response, 503, "unavailable", "this agent keeps no samples");
  }
  const std::string name = request.matches[1];
  send_data(response, nlohmann::json(name.empty() ? handlers.window->label_names()
                                                  : handlers.window->label_values(name)));
}

// A route that renders the current snapshot with `render`.
template <class Render>
RouteHandler snapshot_route(const WebHandlers& handlers, Render render) {
  return guarded([&handlers, render](const Request&, Response& response) {
    std::shared_ptr<const AgentSnapshot> snapshot = handlers.snapshot();
    send_data(response, snapshot ? render(*snapshot) : render(AgentSnapshot{}));
  });
}

}  // namespace

Result<std::set<SeriesRef>> series_matching(const SampleWindow& window, const Request& request) {
  const std::size_t selectors = request.get_param_value_count("match[]");
  if (selectors == 0) return make_error(ErrorCode::InvalidArgument, "no match[] parameter");
  std::set<SeriesRef> refs;
  for (std::size_t i = 0; i < selectors; ++i) {
    auto matchers = parse_series_selector(request.get_param_value("match[]", i));
    if (!matchers) return tl::unexpected(matchers.error());
    for (SeriesRef ref : window.select(*matchers)) refs.insert(ref);
  }
  return refs;
}

void mount_api_routes(httplib::Server& server, const WebHandlers& handlers) {
  server.Get("/api/v1/services", snapshot_route(handlers, services_json));
  server.Get("/api/v1/probes", snapshot_route(handlers, probes_json));
  server.Get("/api/v1/checks", snapshot_route(handlers, checks_json));
  server.Get("/api/v1/history", guarded([&handlers](const Request& request, Response& response) {
               serve_history(handlers, request, response);
             }));
  server.Get("/api/v1/series", guarded([&handlers](const Request& request, Response& response) {
               serve_series(handlers, request, response);
             }));
  // The empty group makes matches[1] "", which serve_label_values reads as "all names".
  server.Get("/api/v1/labels()", guarded([&handlers](const Request& request, Response& response) {
               serve_label_values(handlers, request, response);
             }));
  server.Get(R"(/api/v1/label/([a-zA-Z_][a-zA-Z0-9_]*)/values)",
             guarded([&handlers](const Request& request, Response& response) {
               serve_label_values(handlers, request, response);
             }));
}

}  // namespace vitals::detail
