// Silences, acknowledgements and the notification log, in the API's envelope:
//   GET    /api/v1/silences              data: [silence…], newest first
//   POST   /api/v1/silences              (admin) body {matchers, startsAt?, endsAt, createdBy,
//                                         comment}; data: the silence made
//   DELETE /api/v1/silences/{id}         (admin) expires it; data: the silence
//   POST   /api/v1/alerts/{id}/ack       (admin) id: the alert's fingerprint
//   GET    /api/v1/notifications?limit=  data: the outbox's latest rows, newest first
// A silence's matchers are Alertmanager's strings (`service="card"`) or its API's objects
// ({name, value, isRegex, isEqual}); times are RFC 3339.
#include <httplib.h>

#include <type_traits>

#include <nlohmann/json.hpp>

#include "agent/expose/exposition.h"
#include "agent/notify/notifier.h"
#include "agent/web/api_json.h"
#include "agent/web/api_params.h"
#include "agent/web/routes.h"
#include "alerts/notify/delivery/outbox_entry_json.h"
#include "vitals/common/duration.h"
#include "vitals/common/time_format.h"

namespace vitals::detail {
namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kJson = "application/json";
constexpr std::size_t kDefaultLog = 100;
constexpr std::size_t kMaxLog = 10'000;

std::string api_time(std::int64_t ms) {
  return format_rfc3339(WallTime(std::chrono::milliseconds(ms)));
}

nlohmann::json silence_json(const notify::Silence& silence, std::int64_t now_ms) {
  return {{"id", silence.id},
          {"matchers", silence.matchers},
          {"startsAt", api_time(silence.starts_at_ms)},
          {"endsAt", api_time(silence.ends_at_ms)},
          {"updatedAt", api_time(silence.updated_at_ms)},
          {"createdBy", silence.created_by},
          {"comment", silence.comment},
          {"status", {{"state", notify::to_string(notify::silence_state(silence, now_ms))}}}};
}

// A field of a JSON object the client sent, `fallback` when absent, and a 400 naming it when it
// has another type: nlohmann's own type errors would surface as a 500.
template <class T>
Result<T> typed_field(const nlohmann::json& object, const char* name, T fallback) {
  if (!object.contains(name)) return fallback;
  const nlohmann::json& field = object.at(name);
  const bool fits = std::is_same_v<T, bool> ? field.is_boolean() : field.is_string();
  if (!fits) {
    return make_error(ErrorCode::InvalidArgument,
                      std::string(name) + (std::is_same_v<T, bool> ? " must be true or false"
                                                                   : " must be a string"));
  }
  return field.get<T>();
}

Result<std::string> matcher_text(const nlohmann::json& matcher) {
  if (matcher.is_string()) return matcher.get<std::string>();
  if (!matcher.is_object() || !matcher.contains("name") || !matcher.contains("value")) {
    return make_error(ErrorCode::InvalidArgument,
                      "a matcher is a string like service=\"card\" or an object with name and "
                      "value");
  }
  auto name = typed_field<std::string>(matcher, "name", "");
  if (!name) return tl::unexpected(name.error());
  auto value = typed_field<std::string>(matcher, "value", "");
  if (!value) return tl::unexpected(value.error());
  auto regex = typed_field(matcher, "isRegex", false);
  if (!regex) return tl::unexpected(regex.error());
  auto equal = typed_field(matcher, "isEqual", true);
  if (!equal) return tl::unexpected(equal.error());
  const char* op = *regex ? (*equal ? "=~" : "!~") : (*equal ? "=" : "!=");
  return *name + op + "\"" + escape_label_value(*value) + "\"";
}

Result<std::int64_t> time_field(const nlohmann::json& body, const char* name,
                                std::int64_t fallback) {
  if (!body.contains(name)) return fallback;
  if (!body.at(name).is_string()) {
    return make_error(ErrorCode::InvalidArgument, std::string(name) + " must be a string");
  }
  auto parsed = parse_api_time(name, body.at(name).get<std::string>());
  if (!parsed) return tl::unexpected(parsed.error());
  return std::chrono::duration_cast<std::chrono::milliseconds>(parsed->time_since_epoch()).count();
}

Result<notify::Silence> silence_from(const std::string& text) {
  nlohmann::json body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    return make_error(ErrorCode::InvalidArgument, "the body is not a JSON object");
  }
  notify::Silence draft;
  const nlohmann::json matchers = body.value("matchers", nlohmann::json::array());
  if (!matchers.is_array()) {
    return make_error(ErrorCode::InvalidArgument, "matchers must be a list");
  }
  for (const nlohmann::json& matcher : matchers) {
    auto written = matcher_text(matcher);
    if (!written) return tl::unexpected(written.error());
    draft.matchers.push_back(std::move(*written));
  }
  auto starts = time_field(body, "startsAt", to_ms(real_clock().wall_now().time_since_epoch()));
  if (!starts) return tl::unexpected(starts.error());
  auto ends = time_field(body, "endsAt", 0);
  if (!ends) return tl::unexpected(ends.error());
  draft.starts_at_ms = *starts;
  draft.ends_at_ms = *ends;
  auto created_by = typed_field<std::string>(body, "createdBy", "");
  if (!created_by) return tl::unexpected(created_by.error());
  auto comment = typed_field<std::string>(body, "comment", "");
  if (!comment) return tl::unexpected(comment.error());
  draft.created_by = std::move(*created_by);
  draft.comment = std::move(*comment);
  return draft;
}

// InvalidArgument is the client's mistake (400), NotFound 404, anything else ours (500).
void answer(const Request& request, Response& response, const Result<nlohmann::json>& result) {
  if (result) {
    response.set_content(success_body(*result), kJson);
    return;
  }
  switch (result.error().code) {
    case ErrorCode::InvalidArgument:
      return write_error(request, response, 400, "bad_data", result.error().message);
    case ErrorCode::NotFound:
      return write_error(request, response, 404, "not_found", result.error().message);
    default:
      return write_error(request, response, 500, "internal", result.error().message);
  }
}

Result<nlohmann::json> list_silences(Notifier& notifier) {
  std::vector<notify::Silence> silences = notifier.silences().list();
  std::sort(silences.begin(), silences.end(),
            [](const auto& a, const auto& b) { return a.updated_at_ms > b.updated_at_ms; });
  nlohmann::json out = nlohmann::json::array();
  const std::int64_t now = to_ms(real_clock().wall_now().time_since_epoch());
  for (const notify::Silence& silence : silences) out.push_back(silence_json(silence, now));
  return out;
}

Result<nlohmann::json> create_silence(Notifier& notifier, const Request& request) {
  auto draft = silence_from(request.body);
  if (!draft) return tl::unexpected(draft.error());
  auto made = notifier.silences().create(std::move(*draft));
  if (!made) return tl::unexpected(made.error());
  notifier.refresh();
  return silence_json(*made, to_ms(real_clock().wall_now().time_since_epoch()));
}

Result<nlohmann::json> expire_silence(Notifier& notifier, const std::string& id) {
  auto expired = notifier.silences().expire(id);
  if (!expired) return tl::unexpected(expired.error());
  notifier.refresh();
  return silence_json(*expired, to_ms(real_clock().wall_now().time_since_epoch()));
}

Result<nlohmann::json> ack_alert(Notifier& notifier, const std::string& fingerprint) {
  auto acked = notifier.ack(fingerprint);
  if (!acked) return tl::unexpected(acked.error());
  return nlohmann::json{{"fingerprint", fingerprint}, {"acked", true}};
}

Result<nlohmann::json> notification_log(Notifier& notifier, const Request& request) {
  std::size_t limit = kDefaultLog;
  if (request.has_param("limit")) {
    auto parsed = parse_api_limit("limit", request.get_param_value("limit"), kMaxLog);
    if (!parsed) return tl::unexpected(parsed.error());
    limit = *parsed;
  }
  auto entries = notifier.recent(limit);
  if (!entries) return tl::unexpected(entries.error());
  return nlohmann::json::parse(notify::outbox_entries_json(*entries).dump());
}

using Work = std::function<Result<nlohmann::json>(Notifier&, const Request&)>;

// Checks the admin token when asked to, then answers with what `work` made.
RouteHandler serve(const WebHandlers& handlers, const std::string& admin_token, bool admin,
                   Work work) {
  return guarded([&handlers, &admin_token, admin, work = std::move(work)](const Request& request,
                                                                          Response& response) {
    if (admin && !require_admin(request, response, admin_token)) return;
    if (handlers.notifier == nullptr) {
      return write_error(request, response, 503, "unavailable", "notifications are not running");
    }
    answer(request, response, work(*handlers.notifier, request));
  });
}

}  // namespace

void mount_notify_routes(httplib::Server& server, const WebHandlers& handlers,
                         const WebOptions& options) {
  const std::string& token = options.admin_token;
  server.Get("/api/v1/silences", serve(handlers, token, false, [](Notifier& n, const Request&) {
               return list_silences(n);
             }));
  server.Post("/api/v1/silences", serve(handlers, token, true, create_silence));
  server.Delete(R"(/api/v1/silences/([^/]+))",
                serve(handlers, token, true, [](Notifier& n, const Request& request) {
                  return expire_silence(n, request.matches[1].str());
                }));
  server.Post(R"(/api/v1/alerts/([^/]+)/ack)",
              serve(handlers, token, true, [](Notifier& n, const Request& request) {
                return ack_alert(n, request.matches[1].str());
              }));
  server.Get("/api/v1/notifications", serve(handlers, token, false, notification_log));
}

}  // namespace vitals::detail
