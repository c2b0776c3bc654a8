// One keep-alive HTTP/1.1 connection to one http:// origin, carrying GET requests one at a time
// over the network loop's fd watches. The scrapes' client: a target is asked for the same URL
// every few seconds, and a request then costs one send and one or two reads on an open socket,
// where a libcurl transfer costs an easy handle's setup, a connection-cache lookup and several
// system calls more. https, redirects and phase timings stay with NetLoop::fetch (libcurl).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/net/http_response_reader.h"
#include "agent/net/net_loop.h"
#include "agent/net/tcp_connect.h"

namespace vitals {

class HttpConnection {
 public:
  // Whether `url` can go this way: http:// without user information in it.
  static bool supports(std::string_view url);

  // `url` must be supported; every request goes to its host, port and path.
  HttpConnection(NetLoop& loop, std::string url);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends a GET for the URL with the request's headers, gzip asked for when it says so, its
  // body bounded by max_body_bytes and the whole exchange by its timeout (request.url, method
  // and body are ignored). A request still running is cancelled first. `done` runs once, on
  // the loop thread, never inside fetch(). A kept connection the server closed while it sat
  // idle is replaced once, unseen.
  void fetch(const HttpRequest& request, NetLoop::HttpCallback done);
  // Drops the running request, if any, without calling its callback; its connection is closed.
  void cancel();
  // Whether a connection is open (idle or busy): for tests of reuse.
  bool connected() const { return fd_ >= 0; }

 private:
  void connect();
  void send_request();
  void on_ready();
  void read_response();
  void broken(HttpResponse::Failure failure, std::string error);
  void complete();
  void end(HttpResponse response);
  void watch(short events);
  void close_connection();
  SteadyTime now() const { return loop_.events().clock().now(); }

  NetLoop& loop_;
  std::string authority_;  // host:port, also the Host header
  std::string path_;
  detail::TcpConnect connect_;
  int fd_ = -1;
  NetLoop::WatchId watch_ = 0;
  short watched_ = 0;

  // The running request.
  NetLoop::HttpCallback done_{};
  std::string request_bytes_{};
  // What request_bytes_ were rendered from: a scraper sends the same headers every time.
  std::map<std::string, std::string> rendered_headers_{};
  bool rendered_gzip_ = false;
  std::size_t sent_ = 0;
  std::size_t max_body_bytes_ = 0;
  std::optional<detail::HttpResponseReader> reader_{};
  SteadyTime started_{};
  EventLoop::TimerId timer_ = 0;
  bool reused_ = false;   // sent on a connection kept from an earlier request
  bool retried_ = false;  // already sent again on a fresh connection
  bool in_fetch_ = false;
  // Bumped by cancel(); a result posted before it is dropped.
  std::shared_ptr<std::uint64_t> generation_ = std::make_shared<std::uint64_t>(0);
};

}  // namespace vitals
