// PromQL over the sample window, in Prometheus' HTTP API shapes:
// GET|POST /api/v1/query?query=Q[&time=T]
//   data: {"resultType":"vector|matrix|scalar|string","result":…}
//   vector: [{"metric":{…},"value":[t,"v"]}…]   matrix: [{"metric":{…},"values":[[t,"v"]…]}…]
//   scalar and string: [t,"v"]
// GET|POST /api/v1/query_range?query=Q&start=T&end=T&step=S
//   data: {"resultType":"matrix","result":[…]}
// T is Unix seconds or RFC 3339 (time defaults to now); S is seconds or a duration ("15s").
// Sample values are strings as Prometheus writes them ("1", "0.25", "NaN", "+Inf", "1e-07"); a
// parse or evaluation error is 400 bad_data with the engine's message.
#include <charconv>
#include <cmath>

#include <httplib.h>

#include "agent/web/api_json.h"
#include "agent/web/api_params.h"
#include "agent/web/routes.h"
#include "alerts/gotext/strconv.h"
#include "alerts/promql/engine.h"
#include "vitals/common/duration.h"

namespace vitals::detail {
namespace {

using httplib::Request;
using httplib::Response;

// Prometheus' jsonutil.MarshalFloat: 'f' format, 'e' below 1e-6 or from 1e21 on.
std::string api_float(double value) {
  if (std::isnan(value)) return "NaN";
  const double magnitude = std::fabs(value);
  const bool exponent = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
  return gotext::format_float(value, exponent ? 'e' : 'f', -1);
}

nlohmann::json point_json(std::int64_t t_ms, const std::string& value) {
  return nlohmann::json::array({static_cast<double>(t_ms) / 1000, value});
}

nlohmann::json metric_json(const LabelPairs& labels) {
  nlohmann::json metric = nlohmann::json::object();
  for (const LabelPair& label : labels) metric[label.name] = label.value;
  return metric;
}

nlohmann::json matrix_json(const promql::Matrix& matrix) {
  nlohmann::json result = nlohmann::json::array();
  for (const promql::Series& series : matrix) {
    nlohmann::json values = nlohmann::json::array();
    for (const SamplePoint& p : series.points)
      values.push_back(point_json(p.t_ms, api_float(p.value)));
    result.push_back({{"metric", metric_json(series.labels)}, {"values", std::move(values)}});
  }
  return {{"resultType", "matrix"}, {"result", std::move(result)}};
}

nlohmann::json value_json(const promql::Value& value, std::int64_t t_ms) {
  if (const auto* scalar = std::get_if<promql::Scalar>(&value)) {
    return {{"resultType", "scalar"}, {"result", point_json(t_ms, api_float(scalar->value))}};
  }
  if (const auto* text = std::get_if<promql::String>(&value)) {
    return {{"resultType", "string"}, {"result", point_json(t_ms, text->value)}};
  }
  if (const auto* matrix = std::get_if<promql::Matrix>(&value)) return matrix_json(*matrix);
  nlohmann::json result = nlohmann::json::array();
  for (const promql::Sample& sample : std::get<promql::Vector>(value)) {
    result.push_back({{"metric", metric_json(sample.labels)},
                      {"value", point_json(t_ms, api_float(sample.value))}});
  }
  return {{"resultType", "vector"}, {"result", std::move(result)}};
}

std::int64_t to_ms(WallTime at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

// A step as Prometheus reads it: float seconds, or a duration.
Result<std::int64_t> parse_step(std::string_view text) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && end == text.data() + text.size()) {
    return static_cast<std::int64_t>(std::llround(seconds * 1000));
  }
  auto duration = parse_duration(text);
  if (!duration) {
    return make_error(ErrorCode::InvalidArgument, "invalid parameter \"step\": cannot parse \"" +
                                                      std::string(text) + "\" to a valid duration");
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*duration).count();
}

bool need_window(const WebHandlers& handlers, const Request& request, Response& response) {
  if (handlers.window != nullptr) return true;
  write_error(request, response, 503, "unavailable", "this agent keeps no samples");
  return false;
}

void serve_query(const WebHandlers& handlers, const Request& request, Response& response) {
  if (!need_window(handlers, request, response)) return;
  if (!request.has_param("query")) {
    return write_error(request, response, 400, "bad_data", "invalid parameter \"query\": empty");
  }
  std::int64_t t_ms = to_ms(handlers.clock ? handlers.clock->wall_now() : real_clock().wall_now());
  if (request.has_param("time")) {
    auto at = parse_api_time("time", request.get_param_value("time"));
    if (!at) return write_error(request, response, 400, "bad_data", at.error().message);
    t_ms = to_ms(*at);
  }
  promql::Engine engine(*handlers.window);
  auto value = engine.instant(request.get_param_value("query"), t_ms);
  if (!value) return write_error(request, response, 400, "bad_data", value.error().message);
  response.set_content(success_body(value_json(*value, t_ms)), "application/json");
}

void serve_query_range(const WebHandlers& handlers, const Request& request, Response& response) {
  if (!need_window(handlers, request, response)) return;
  for (const char* name : {"query", "start", "end", "step"}) {
    if (!request.has_param(name)) {
      return write_error(request, response, 400, "bad_data",
                         std::string("invalid parameter \"") + name + "\": missing");
    }
  }
  auto start = parse_api_time("start", request.get_param_value("start"));
  if (!start) return write_error(request, response, 400, "bad_data", start.error().message);
  auto end = parse_api_time("end", request.get_param_value("end"));
  if (!end) return write_error(request, response, 400, "bad_data", end.error().message);
  auto step = parse_step(request.get_param_value("step"));
  if (!step) return write_error(request, response, 400, "bad_data", step.error().message);
  if (*end < *start) {
    return write_error(request, response, 400, "bad_data",
                       "invalid parameter \"end\": end timestamp must not be before start time");
  }
  // Prometheus' bound on points per series.
  if (*step > 0 && (to_ms(*end) - to_ms(*start)) / *step > 11000) {
    return write_error(request, response, 400, "bad_data",
                       "exceeded maximum resolution of 11,000 points per timeseries. Try "
                       "decreasing the query resolution (?step=XX)");
  }
  promql::Engine engine(*handlers.window);
  auto matrix = engine.range(request.get_param_value("query"), to_ms(*start), to_ms(*end), *step);
  if (!matrix) return write_error(request, response, 400, "bad_data", matrix.error().message);
  response.set_content(success_body(matrix_json(*matrix)), "application/json");
}

}  // namespace

void mount_query_routes(httplib::Server& server, const WebHandlers& handlers) {
  auto query = guarded([&handlers](const Request& request, Response& response) {
    serve_query(handlers, request, response);
  });
  auto query_range = guarded([&handlers](const Request& request, Response& response) {
    serve_query_range(handlers, request, response);
  });
  server.Get("/api/v1/query", query);
  server.Post("/api/v1/query", query);
  server.Get("/api/v1/query_range", query_range);
  server.Post("/api/v1/query_range", query_range);
}

}  // namespace vitals::detail
