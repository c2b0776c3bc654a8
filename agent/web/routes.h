// The web server's routes and what every response passes through on its way out (errors in the
// client's format, caught exceptions, security headers, the admin check). Internal to agent/web;
// only the .cc files include httplib.h. Everything here is thread-safe once mounted.
#pragma once

#include <functional>
#include <set>
#include <string_view>

#include "agent/web/server.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace vitals::detail {

using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

// /metrics, /-/healthy, /-/ready, /-/reload. `handlers` and `options` must outlive `server`.
void mount_lifecycle_routes(httplib::Server& server, const WebHandlers& handlers,
                            const WebOptions& options);
// /api/v1/services, probes, checks, history.
void mount_api_routes(httplib::Server& server, const WebHandlers& handlers);
// /api/v1/query and /api/v1/query_range: PromQL over the window.
void mount_query_routes(httplib::Server& server, const WebHandlers& handlers);
// /api/v1/rules and /api/v1/alerts.
void mount_rules_routes(httplib::Server& server, const WebHandlers& handlers);
// /api/v1/silences, /api/v1/alerts/{id}/ack and /api/v1/notifications.
void mount_notify_routes(httplib::Server& server, const WebHandlers& handlers,
                         const WebOptions& options);
// GET / (the status page), /static/{asset} and /api/v1/status.
void mount_status_routes(httplib::Server& server, const WebHandlers& handlers);
// GET /federate: the window's newest samples for a Prometheus above the agent.
void mount_federate_routes(httplib::Server& server, const WebHandlers& handlers);

// The series any of the request's match[] selectors selects (/api/v1/series, /federate);
// InvalidArgument without match[] or for a selector that does not parse.
Result<std::set<SeriesRef>> series_matching(const SampleWindow& window,
                                            const httplib::Request& request);
class RateLimiter;
// The query-size bound, the API's rate limit, JSON and text error bodies, security headers.
// `options` and `limiter` must outlive `server`.
void install_edge_handlers(httplib::Server& server, const WebOptions& options,
                           RateLimiter& limiter);

// Wraps a route so an exception becomes a logged 500 instead of escaping into httplib.
RouteHandler guarded(RouteHandler handler);

// Under /api/ the JSON envelope with `type` (bad_data, not_found …); elsewhere plain text.
void write_error(const httplib::Request& request, httplib::Response& response, int status,
                 std::string_view type, std::string_view message);

// True when no token is configured, or `authorization` is "Bearer <token>" (scheme in any case).
bool admin_allowed(std::string_view authorization, std::string_view token);
// Answers 401 with WWW-Authenticate and returns false unless the request may use admin endpoints.
bool require_admin(const httplib::Request& request, httplib::Response& response,
                   std::string_view token);

}  // namespace vitals::detail
