// /metrics and the lifecycle endpoints, answering as Prometheus' own do, so the same probes,
// scripts and `curl -X POST …/-/reload` habits work against the agent.
#include <string>

#include <httplib.h>

#include "agent/web/routes.h"
#include "vitals/common/log.h"

namespace vitals::detail {
namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kPlainText = "text/plain; charset=utf-8";

void reload(const WebHandlers& handlers, const WebOptions& options, const Request& request,
            Response& response) {
  if (!require_admin(request, response, options.admin_token)) return;
  auto applied = handlers.reload();
  if (applied) {
    response.set_content("", kPlainText);
    return;
  }
  // The caller learns why its configuration was refused; the old one keeps running.
  response.status = 500;
  response.set_content("failed to reload config: " + to_string(applied.error()) + "\n", kPlainText);
}

void only_post(const Request&, Response& response) {
  response.status = 405;
  response.set_header("Allow", "POST, PUT");
  response.set_content("Only POST or PUT requests allowed\n", kPlainText);
}

}  // namespace

void mount_lifecycle_routes(httplib::Server& server, const WebHandlers& handlers,
                            const WebOptions& options) {
  server.Get("/metrics", guarded([&handlers](const Request&, Response& response) {
               response.set_content(handlers.render_metrics(), kPrometheusText);
             }));
  server.Get("/-/healthy", guarded([](const Request&, Response& response) {
               response.set_content("Healthy\n", kPlainText);
             }));
  server.Get("/-/ready", guarded([&handlers](const Request&, Response& response) {
               bool ready = handlers.ready();
               response.status = ready ? 200 : 503;
               response.set_content(ready ? "Ready\n" : "Service Unavailable\n", kPlainText);
             }));
  auto do_reload = guarded([&handlers, &options](const Request& request, Response& response) {
    reload(handlers, options, request, response);
  });
  // A content-reader handler runs before httplib reads the body, which it otherwise refuses
  // with 400 when a bodiless POST (plain `curl -X POST`) carries no Content-Length.
  // The payload limit applies to bodies httplib reads, so the declared length is checked here.
  auto bodiless = [do_reload, limit = options.max_request_body_bytes](
                      const Request& request, Response& response, const httplib::ContentReader&) {
    if (request.get_header_value<std::uint64_t>("Content-Length") > limit) {
      response.status = 413;  // the error handler writes the body
      return;
    }
    do_reload(request, response);
  };
  server.Post("/-/reload", bodiless);
  server.Put("/-/reload", bodiless);
  server.Get("/-/reload", guarded(only_post));
}

}  // namespace vitals::detail
