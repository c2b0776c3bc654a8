// Fetches one URL again and again, as a scraper does: http:// over a kept HttpConnection,
// anything else (https://) through libcurl with NetLoop::fetch. One request at a time; lives
// on the network loop's thread.
#pragma once

#include <optional>
#include <string>

#include "agent/net/http_connection.h"
#include "agent/net/net_loop.h"

namespace vitals {

class UrlClient {
 public:
  UrlClient(NetLoop& loop, std::string url);
  ~UrlClient();
  UrlClient(const UrlClient&) = delete;
  UrlClient& operator=(const UrlClient&) = delete;

  // Sends `request` to the client's URL (request.url is set here). A request still running is
  // cancelled first. `done` runs once, on the loop thread, never inside fetch().
  void fetch(const HttpRequest& request, NetLoop::HttpCallback done);
  // Drops the running request without calling its callback.
  void cancel();

 private:
  NetLoop& loop_;
  std::string url_;
  std::optional<HttpConnection> connection_{};  // set for http://
  NetLoop::TransferId transfer_ = 0;            // libcurl's, for the rest
};

}  // namespace vitals
