// A c-ares channel driven by the NetLoop: its sockets are NetLoop watches and its retry
// timeouts are EventLoop timers, so DNS lookups never block the loop. Internal to the probers;
// lives on the network loop's thread.
#pragma once

#include <ares.h>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "agent/net/net_loop.h"
#include "vitals/common/error.h"

namespace vitals::detail {

class AresChannel {
 public:
  // `status` is an ARES_* code; the answer is the raw DNS message (valid during the call).
  using QueryDone = std::function<void(int status, const unsigned char* answer, int length)>;
  // `result` is null unless status is ARES_SUCCESS; valid during the call.
  using ResolveDone = std::function<void(int status, const ares_addrinfo* result)>;

  // `server`: "ip:port" (or "[ipv6]:port") to ask, or "" for the system's resolvers.
  // `try_timeout`: how long the first try waits for an answer (later tries wait longer).
  // InvalidArgument when `server` is not an IP address and port.
  static Result<std::unique_ptr<AresChannel>> create(NetLoop& loop, const std::string& server,
                                                     Duration try_timeout);
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  // Asks for `name`'s records of `type` (ns_t_a, ns_t_mx …) exactly, without search domains.
  // `done` may run before query() returns (e.g. a malformed name).
  void query(const std::string& name, int type, QueryDone done);
  // Looks up `host`'s addresses (hosts file, then DNS). `done` may run before resolve() returns.
  void resolve(const std::string& host, ResolveDone done);
  // Drops every pending lookup without calling its callback. Not from inside a lookup's
  // callback: c-ares is still finishing that lookup then.
  void cancel_all();

 private:
  AresChannel(NetLoop& loop, ares_channel channel) : loop_(loop), channel_(channel) {}
  static void on_socket_state(void* self, ares_socket_t fd, int readable, int writable);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void arm_timer();

  NetLoop& loop_;
  ares_channel channel_ = nullptr;
  std::unordered_map<ares_socket_t, NetLoop::WatchId> watches_{};
  EventLoop::TimerId timer_ = 0;
};

}  // namespace vitals::detail
