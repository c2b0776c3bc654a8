// The status page (docs/status-page.md):
// GET /                  index.html
// GET /static/{name}     the page's CSS and JavaScript: only names compiled into the agent, so
//                        no request can reach a file on disk
// GET /api/v1/status     data: the page's JSON
// The page's responses carry a Content-Security-Policy that allows nothing but the agent's own
// scripts, styles and API: even markup that slipped into the page could not run or load.
#include <httplib.h>

#include "agent/status/status_assets.h"
#include "agent/web/api_json.h"
#include "agent/web/routes.h"

namespace vitals::detail {
namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void serve_asset(std::string_view name, const Request& request, Response& response) {
  const status::EmbeddedAsset* asset = status::find_asset(name);
  if (asset == nullptr)
    return write_error(request, response, 404, "not_found", "404 page not found");
  response.set_header("Content-Security-Policy", kContentSecurityPolicy);
  response.set_header("Referrer-Policy", "no-referrer");
  // Assets change only with the binary; revalidating is cheap on loopback and never stale.
  response.set_header("Cache-Control", "no-cache");
  response.set_content(std::string(asset->body), std::string(asset->content_type));
}

void serve_status(const WebHandlers& handlers, const Request& request, Response& response) {
  if (!handlers.status) {
    return write_error(request, response, 503, "unavailable", "the status page is not running");
  }
  response.set_content(success_body(handlers.status()), "application/json");
}

}  // namespace

void mount_status_routes(httplib::Server& server, const WebHandlers& handlers) {
  server.Get("/", guarded([](const Request& request, Response& response) {
               serve_asset("index.html", request, response);
             }));
  server.Get(R"(/static/([A-Za-z0-9._-]+))",
             guarded([](const Request& request, Response& response) {
               serve_asset(request.matches[1].str(), request, response);
             }));
  server.Get("/api/v1/status", guarded([&handlers](const Request& request, Response& response) {
               serve_status(handlers, request, response);
             }));
}

}  // namespace vitals::detail
