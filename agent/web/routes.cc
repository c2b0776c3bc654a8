// What every response passes through: httplib calls the pre-routing handler before any route
// (and before reading a body), the error handler for any status >= 400, and the post-routing
// handler just before writing headers — also for the errors httplib produces itself (400, 413,
// 414), so those get our formats and headers too.
#include "agent/web/routes.h"

#include <cctype>
#include <cmath>
#include <exception>
#include <sstream>
#include <string>

#include <httplib.h>

#include "agent/web/api_json.h"
#include "agent/web/rate_limiter.h"
#include "vitals/common/log.h"
#include "vitals/common/secure_compare.h"

namespace vitals::detail {
namespace {

using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

bool is_api(const Request& request) {
  return request.path.starts_with("/api/");
}

std::string_view error_type(int status) {
  switch (status) {
    case 404:
      return "not_found";
    case 429:
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "bad_data";
  }
}

std::string default_message(const Request& request, int status, const WebOptions& options) {
  switch (status) {
    case 404:
      return is_api(request) ? "unknown API endpoint " + request.method + " " + request.path
                             : "404 page not found";
    case 413:
      return "request body exceeds " + std::to_string(options.max_request_body_bytes) + " bytes";
    case 414:
      return "request URI too long";
    default:
      return "HTTP status " + std::to_string(status);
  }
}

std::size_t query_bytes(const Request& request) {
  std::size_t mark = request.target.find('?');
  return mark == std::string::npos ? 0 : request.target.size() - mark - 1;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

void fail_internally(const Request& request, Response& response, std::string_view what) {
  // The details go to the log, not to a client that may not be trusted with them.
  log::error("web request failed",
             {{"method", request.method}, {"path", request.path}, {"error", std::string(what)}});
  response.body.clear();
  write_error(request, response, 500, "internal", "internal error; see the agent's log");
}

// 429 with Retry-After when the client has used up its API requests.
bool over_rate_limit(const Request& request, Response& response, const WebOptions& options,
                     RateLimiter& limiter) {
  if (!is_api(request)) return false;
  const SteadyTime now = std::chrono::steady_clock::now();
  if (limiter.allow(request.remote_addr, now)) return false;
  const double wait =
      std::chrono::duration<double>(limiter.wait_for_token(request.remote_addr, now)).count();
  response.set_header("Retry-After",
                      std::to_string(std::max<long>(1, std::lround(std::ceil(wait)))));
  std::ostringstream message;
  message << "too many requests from " << request.remote_addr << ": at most "
          << options.api_requests_per_second << " a second, in bursts of " << options.api_burst;
  write_error(request, response, 429, "unavailable", message.str());
  return true;
}

}  // namespace

void install_edge_handlers(httplib::Server& server, const WebOptions& options,
                           RateLimiter& limiter) {
  server.set_payload_max_length(options.max_request_body_bytes);
  server.set_pre_routing_handler([&options, &limiter](const Request& request, Response& response) {
    std::size_t size = query_bytes(request);
    if (size > options.max_query_bytes) {
      write_error(request, response, 414, "bad_data",
                  "query string of " + std::to_string(size) + " bytes exceeds the limit of " +
                      std::to_string(options.max_query_bytes));
      return HandlerResponse::Handled;
    }
    return over_rate_limit(request, response, options, limiter) ? HandlerResponse::Handled
                                                                : HandlerResponse::Unhandled;
  });
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([&options](const Request& request, Response& response) {
        if (!response.body.empty()) return HandlerResponse::Unhandled;  // a route wrote its own
        int status = response.status;
        write_error(request, response, status, error_type(status),
                    default_message(request, status, options));
        return HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const Request& request, Response& response, std::exception_ptr) {
    fail_internally(request, response, "exception escaped a route");
  });
  server.set_post_routing_handler([](const Request&, Response& response) {
    if (!response.has_header("X-Content-Type-Options")) {
      response.set_header("X-Content-Type-Options", "nosniff");
    }
    if (!response.has_header("Cache-Control")) response.set_header("Cache-Control", "no-store");
  });
}

RouteHandler guarded(RouteHandler handler) {
  return [handler = std::move(handler)](const Request& request, Response& response) {
    try {
      handler(request, response);
    } catch (const std::exception& e) {
      fail_internally(request, response, e.what());
    } catch (...) {
      fail_internally(request, response, "unknown exception");
    }
  };
}

void write_error(const Request& request, Response& response, int status, std::string_view type,
                 std::string_view message) {
  response.status = status;
  if (is_api(request)) {
    response.set_content(error_body(type, message), "application/json");
  } else {
    response.set_content(std::string(message) + "\n", "text/plain; charset=utf-8");
  }
}

bool admin_allowed(std::string_view authorization, std::string_view token) {
  if (token.empty()) return true;
  static constexpr std::string_view kScheme = "Bearer ";
  if (!starts_with_ignoring_case(authorization, kScheme)) return false;
  return constant_time_equal(authorization.substr(kScheme.size()), token);
}

bool require_admin(const Request& request, Response& response, std::string_view token) {
  if (admin_allowed(request.get_header_value("Authorization"), token)) return true;
  response.set_header("WWW-Authenticate", "Bearer realm=\"vitals-agent\"");
  write_error(request, response, 401, "unauthorized",
              "this endpoint needs Authorization: Bearer <admin token>");
  return false;
}

}  // namespace vitals::detail
