// Blocking HTTP requests to a server on loopback, for integration tests: one-shot calls that open
// their own connection each, and a kept-alive connection for timing what long-lived clients see.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>

#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
  Duration elapsed{0};  // from sending the request to having the whole body
};

namespace detail {

inline Result<HttpReply> to_reply(const httplib::Result& result, SteadyTime started,
                                  const std::string& what) {
  if (!result) {
    return make_error(ErrorCode::Unavailable, what + ": " + httplib::to_string(result.error()));
  }
  return HttpReply{result->status, result->body, result->get_header_value("Content-Type"),
                   std::chrono::steady_clock::now() - started};
}

inline httplib::Client loopback_client(int port) {
  httplib::Client client("127.0.0.1", port);
  // Bounded, so a server that stops answering fails the test instead of hanging it.
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(5));
  return client;
}

}  // namespace detail

// GET http://127.0.0.1:<port><path>; Unavailable when no reply came.
inline Result<HttpReply> http_get(int port, const std::string& path,
                                  const httplib::Headers& headers = {}) {
  auto client = detail::loopback_client(port);
  auto started = std::chrono::steady_clock::now();
  auto result = client.Get(path, headers);
  return detail::to_reply(result, started, "GET " + path);
}

// POST with an empty body.
inline Result<HttpReply> http_post(int port, const std::string& path) {
  auto client = detail::loopback_client(port);
  auto started = std::chrono::steady_clock::now();
  auto result = client.Post(path);
  return detail::to_reply(result, started, "POST " + path);
}

// One kept-alive connection, reused across requests as Prometheus and load balancers do; it
// shows server-side delays a fresh connection hides, such as Nagle's algorithm left on.
class HttpConnection {
 public:
  explicit HttpConnection(int port) : client_(detail::loopback_client(port)) {
    client_.set_keep_alive(true);
  }

  Result<HttpReply> get(const std::string& path, const httplib::Headers& headers = {}) {
    auto started = std::chrono::steady_clock::now();
    auto result = client_.Get(path, headers);
    return detail::to_reply(result, started, "GET " + path);
  }

 private:
  httplib::Client client_;
};

}  // namespace vitals::testing
