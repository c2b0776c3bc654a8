#include "agent/net/ares_channel.h"

#include <arpa/nameser.h>
#include <poll.h>

#include <mutex>

namespace vitals::detail {
namespace {

void init_ares_once() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

// Cancelled and destroyed lookups belong to a prober that has moved on: they are not reported.
bool dropped(int status) {
  return status == ARES_ECANCELLED || status == ARES_EDESTRUCTION;
}

void on_query(void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) {
  std::unique_ptr<AresChannel::QueryDone> done(static_cast<AresChannel::QueryDone*>(arg));
  if (!dropped(status)) (*done)(status, answer, length);
}

void on_resolve(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  std::unique_ptr<AresChannel::ResolveDone> done(static_cast<AresChannel::ResolveDone*>(arg));
  if (!dropped(status)) (*done)(status, status == ARES_SUCCESS ? result : nullptr);
  if (result != nullptr) ares_freeaddrinfo(result);
}

}  // namespace

Result<std::unique_ptr<AresChannel>> AresChannel::create(NetLoop& loop, const std::string& server,
                                                         Duration try_timeout) {
  init_ares_once();
  ares_options options{};
  options.timeout = static_cast<int>(
      std::max<long long>(50, std::chrono::ceil<std::chrono::milliseconds>(try_timeout).count()));
  options.tries = 2;
  options.sock_state_cb = &AresChannel::on_socket_state;
  std::unique_ptr<AresChannel> self(new AresChannel(loop, nullptr));
  options.sock_state_cb_data = self.get();
  int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
  if (int rc = ares_init_options(&self->channel_, &options, mask); rc != ARES_SUCCESS) {
    return make_error(ErrorCode::Unavailable, std::string("c-ares: ") + ares_strerror(rc));
  }
  if (!server.empty()) {
    if (int rc = ares_set_servers_ports_csv(self->channel_, server.c_str()); rc != ARES_SUCCESS) {
      return make_error(ErrorCode::InvalidArgument,
                        "DNS server \"" + server + "\": " + ares_strerror(rc));
    }
  }
  return self;
}

AresChannel::~AresChannel() {
  if (timer_ != 0) loop_.events().cancel(timer_);
  // Pending callbacks see ARES_EDESTRUCTION (dropped); sockets close through on_socket_state.
  if (channel_ != nullptr) ares_destroy(channel_);
  for (const auto& [fd, id] : watches_) loop_.unwatch(id);
}

void AresChannel::query(const std::string& name, int type, QueryDone done) {
  ares_query(channel_, name.c_str(), ns_c_in, type, on_query, new QueryDone(std::move(done)));
  arm_timer();
}

void AresChannel::resolve(const std::string& host, ResolveDone done) {
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  ares_getaddrinfo(channel_, host.c_str(), nullptr, &hints, on_resolve,
                   new ResolveDone(std::move(done)));
  arm_timer();
}

void AresChannel::cancel_all() {
  ares_cancel(channel_);
  arm_timer();
}

void AresChannel::on_socket_state(void* self_ptr, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<AresChannel*>(self_ptr);
  short events = static_cast<short>((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
  auto it = self->watches_.find(fd);
  if (events == 0) {
    if (it != self->watches_.end()) {
      self->loop_.unwatch(it->second);
      self->watches_.erase(it);
    }
  } else if (it != self->watches_.end()) {
    self->loop_.update_watch(it->second, events);
  } else {
    self->watches_[fd] = self->loop_.watch(fd, events, [self, fd](short revents) {
      self->process(revents & POLLIN ? fd : ARES_SOCKET_BAD,
                    revents & POLLOUT ? fd : ARES_SOCKET_BAD);
    });
  }
}

void AresChannel::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  arm_timer();
}

// c-ares keeps its own retry deadlines; one EventLoop timer stands for the earliest of them.
void AresChannel::arm_timer() {
  if (timer_ != 0) loop_.events().cancel(timer_);
  timer_ = 0;
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) return;
  auto wait = std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  timer_ = loop_.events().add_timer(loop_.events().clock().now() + wait, [this] {
    timer_ = 0;
    process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  });
}

}  // namespace vitals::detail
