#include "agent/net/net_loop.h"

#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "agent/net/http_transfer.h"

namespace vitals {
namespace {

// Nothing to wait for: sleep until woken (posts, timers and stop() all wake the poll).
constexpr std::chrono::milliseconds kIdleWait = std::chrono::hours(1);
// Timers due within one slot of this length run in one wake-up: scrapes and probes spread
// evenly over their interval would otherwise wake the thread once each (hundreds of times a
// second), and a wake-up costs more than a small scrape. A timer runs at most this late.
constexpr Duration kTimerSlack = std::chrono::milliseconds(4);

// Easy handles kept for reuse; they hold no connection (the multi handle's cache does).
constexpr std::size_t kIdleHandles = 256;

// Idle connections the multi handle keeps for reuse. libcurl's default (four per easy handle
// added) is tiny here, because a transfer's handle leaves the multi handle when it ends: with
// hundreds of targets, scrapes kept opening new connections. Half the open-files limit is kept
// for them, the rest for probes, the web server and SQLite; libcurl closes the oldest beyond it,
// and any idle for two minutes.
long connection_cache_size() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 512;
  rlim_t half = limit.rlim_cur / 2;
  return static_cast<long>(std::clamp<rlim_t>(half, 16, 65536));
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

short to_curl_events(short events) {
  short out = 0;
  if (events & POLLIN) out |= CURL_WAIT_POLLIN;
  if (events & POLLPRI) out |= CURL_WAIT_POLLPRI;
  if (events & POLLOUT) out |= CURL_WAIT_POLLOUT;
  return out;
}

short from_curl_events(short revents) {
  short out = 0;
  if (revents & CURL_WAIT_POLLIN) out |= POLLIN;
  if (revents & CURL_WAIT_POLLPRI) out |= POLLPRI;
  if (revents & CURL_WAIT_POLLOUT) out |= POLLOUT;
  return out;
}

int ceil_ms(Duration d) {
  if (d <= Duration{0}) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::min<long long>(ms, INT_MAX));
}

// OpenSSL's socket BIO writes with write(2), which raises SIGPIPE when the peer has gone. Blocked
// on the loop thread, the signal stays pending there and the write fails with EPIPE instead of
// killing the process.
void block_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

struct NetLoop::Impl {
  struct Watch {
    int fd = -1;
    short events = 0;
    std::shared_ptr<FdCallback> ready{};  // shared: a callback may unwatch itself
  };
  struct Done {
    TransferId id = 0;
    CURLcode code = CURLE_OK;
  };

  explicit Impl(EventLoop& loop) : events(loop) {
    init_curl_once();
    multi = curl_multi_init();
    if (multi == nullptr) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, connection_cache_size());
  }
  ~Impl();

  CURL* take_handle();
  void release(std::unique_ptr<detail::HttpTransfer> t);
  int poll_timeout(int max_ms);
  void poll_once(int max_ms);
  void finish_transfers();
  void dispatch(const std::vector<curl_waitfd>& fds, const std::vector<WatchId>& ids);
  bool on_loop_thread() const { return loop_thread.load() == std::this_thread::get_id(); }

  EventLoop& events;
  CURLM* multi = nullptr;
  std::unordered_map<TransferId, std::unique_ptr<detail::HttpTransfer>> transfers{};
  std::vector<CURL*> idle_handles{};
  std::unordered_map<WatchId, Watch> watches{};
  std::uint64_t next_id = 1;
  std::atomic<bool> stopping{false};
  std::atomic<std::thread::id> loop_thread{};
};

NetLoop::Impl::~Impl() {
  for (auto& [id, t] : transfers) {
    curl_multi_remove_handle(multi, t->easy);
    curl_easy_cleanup(t->easy);
  }
  for (CURL* easy : idle_handles) curl_easy_cleanup(easy);
  curl_multi_cleanup(multi);
}

CURL* NetLoop::Impl::take_handle() {
  if (idle_handles.empty()) return curl_easy_init();
  CURL* easy = idle_handles.back();
  idle_handles.pop_back();
  return easy;
}

void NetLoop::Impl::release(std::unique_ptr<detail::HttpTransfer> t) {
  curl_multi_remove_handle(multi, t->easy);
  if (idle_handles.size() < kIdleHandles) {
    curl_easy_reset(t->easy);
    idle_handles.push_back(t->easy);
  } else {
    curl_easy_cleanup(t->easy);
  }
}

// The earliest of: the caller's bound, libcurl's own timeout, and the end of the slack slot
// of the next EventLoop timer.
int NetLoop::Impl::poll_timeout(int max_ms) {
  int wait = max_ms;
  long curl_ms = -1;
  curl_multi_timeout(multi, &curl_ms);
  if (curl_ms >= 0) wait = std::min<long>(wait, curl_ms);
  if (auto next = events.next_deadline()) {
    const Duration since_epoch = next->time_since_epoch();
    const SteadyTime slot_end{(since_epoch + kTimerSlack - Duration{1}) / kTimerSlack *
                              kTimerSlack};
    wait = std::min(wait, ceil_ms(slot_end - events.clock().now()));
  }
  return wait;
}

// One turn: wait for sockets (libcurl's and the watches), then let libcurl work and hand out
// what finished. Callbacks run here and in EventLoop::run_until_idle(), never inside libcurl.
void NetLoop::Impl::poll_once(int max_ms) {
  std::vector<curl_waitfd> fds;
  std::vector<WatchId> ids;
  fds.reserve(watches.size());
  ids.reserve(watches.size());
  for (const auto& [id, w] : watches) {
    fds.push_back(curl_waitfd{w.fd, to_curl_events(w.events), 0});
    ids.push_back(id);
  }
  // libcurl asks for no wait right after a transfer is added: with no watches to look at,
  // the poll would be a wasted system call.
  const int wait = poll_timeout(max_ms);
  if (wait > 0 || !fds.empty()) {
    curl_multi_poll(multi, fds.data(), static_cast<unsigned>(fds.size()), wait, nullptr);
  }
  int running = 0;
  curl_multi_perform(multi, &running);
  finish_transfers();
  dispatch(fds, ids);
}

void NetLoop::Impl::finish_transfers() {
  // Collected first: a callback may cancel or start transfers, which changes libcurl's queue.
  std::vector<Done> finished;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    char* priv = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
    finished.push_back(Done{reinterpret_cast<TransferId>(priv), msg->data.result});
  }
  for (const Done& d : finished) {
    auto node = transfers.extract(d.id);
    if (node.empty()) continue;  // cancelled by an earlier callback
    std::unique_ptr<detail::HttpTransfer> t = std::move(node.mapped());
    t->complete(d.code);
    HttpCallback done = std::move(t->done);
    HttpResponse response = std::move(t->response);
    release(std::move(t));
    done(std::move(response));
  }
}

void NetLoop::Impl::dispatch(const std::vector<curl_waitfd>& fds, const std::vector<WatchId>& ids) {
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    auto it = watches.find(ids[i]);
    if (it == watches.end()) continue;  // unwatched by an earlier callback
    short revents = from_curl_events(fds[i].revents) & it->second.events;
    // poll(2) reports errors and hang-ups unasked, and libcurl passes them on as POLLIN. For a
    // watch that waits for POLLOUT only, that must still wake it (its write or SO_ERROR tells
    // what happened), or the loop would spin on the same readiness.
    if (revents == 0) revents = it->second.events;
    if (revents == 0) continue;
    std::shared_ptr<FdCallback> ready = it->second.ready;
    (*ready)(revents);
  }
}

NetLoop::NetLoop(const Clock& clock) : events_(clock), impl_(std::make_unique<Impl>(events_)) {
  // Posts and timers from other threads must interrupt curl_multi_poll. On the loop thread the
  // next turn recomputes its timeout anyway, so no wakeup is needed there.
  Impl* impl = impl_.get();
  events_.set_wakeup([impl] {
    if (!impl->on_loop_thread()) curl_multi_wakeup(impl->multi);
  });
}

NetLoop::~NetLoop() {
  events_.set_wakeup(nullptr);
  impl_.reset();
}

NetLoop::TransferId NetLoop::fetch(HttpRequest request, HttpCallback done) {
  auto t = std::make_unique<detail::HttpTransfer>();
  t->id = impl_->next_id++;
  t->easy = impl_->take_handle();
  t->request = std::move(request);
  t->done = std::move(done);
  t->configure();
  curl_easy_setopt(t->easy, CURLOPT_PRIVATE, reinterpret_cast<char*>(t->id));
  TransferId id = t->id;
  CURLMcode added = curl_multi_add_handle(impl_->multi, t->easy);
  if (added != CURLM_OK) {
    // Reported like any failed transfer, through the callback, on a later turn.
    t->response.failure = HttpResponse::Failure::Other;
    t->response.transport_error = curl_multi_strerror(added);
    events_.post(
        [d = std::move(t->done), r = std::move(t->response)]() mutable { d(std::move(r)); });
    curl_easy_cleanup(t->easy);
    return id;
  }
  impl_->transfers.emplace(id, std::move(t));
  return id;
}

void NetLoop::cancel(TransferId id) {
  auto node = impl_->transfers.extract(id);
  if (!node.empty()) impl_->release(std::move(node.mapped()));
}

std::size_t NetLoop::transfers_in_flight() const {
  return impl_->transfers.size();
}

NetLoop::WatchId NetLoop::watch(int fd, short events, FdCallback ready) {
  WatchId id = impl_->next_id++;
  impl_->watches.emplace(id,
                         Impl::Watch{fd, events, std::make_shared<FdCallback>(std::move(ready))});
  return id;
}

void NetLoop::update_watch(WatchId id, short events) {
  auto it = impl_->watches.find(id);
  if (it != impl_->watches.end()) it->second.events = events;
}

void NetLoop::unwatch(WatchId id) {
  impl_->watches.erase(id);
}

void NetLoop::run() {
  impl_->loop_thread.store(std::this_thread::get_id());
  block_sigpipe();
  while (!impl_->stopping.load()) {
    events_.run_until_idle();
    if (impl_->stopping.load()) break;
    impl_->poll_once(static_cast<int>(kIdleWait.count()));
  }
}

void NetLoop::stop() {
  impl_->stopping.store(true);
  curl_multi_wakeup(impl_->multi);
}

bool NetLoop::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  impl_->loop_thread.store(std::this_thread::get_id());
  block_sigpipe();
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    events_.run_until_idle();
    if (done()) return true;
    int left = ceil_ms(until - std::chrono::steady_clock::now());
    if (left == 0) return false;
    impl_->poll_once(left);
  }
}

}  // namespace vitals
