// Sends the outbox's rows over HTTP from the network loop: in order within each (receiver,
// integration, group) lane — a group's next notification waits until the previous one is
// delivered or given up — and lanes in parallel. 2xx marks a row delivered; connection errors,
// timeouts, 5xx, 408 and 429 are retried with exponential backoff and jitter; any other status
// is a permanent failure; a row still failing `max_age` after it was enqueued is given up.
// Every attempt carries the row's dedup key as `Idempotency-Key`.
//
// Lives on the NetLoop's thread: construct it anywhere, but call start() and stop() and destroy
// it on that thread (or before the loop runs). Rows enqueued on other threads reach it through
// posts to the loop.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "agent/net/net_loop.h"
#include "alerts/notify/delivery/backoff.h"
#include "alerts/notify/delivery/delivery_secrets.h"
#include "alerts/notify/delivery/outbox.h"

namespace vitals::notify {

struct SenderOptions {
  BackoffPolicy backoff{};
  // A row that has been tried and is still failing this long after it was enqueued is given up.
  Duration max_age{std::chrono::hours(24)};
  Duration timeout{std::chrono::seconds(10)};
  std::string user_agent{"vitals-agent"};
};

class OutboxSender {
 public:
  // Uniform draws from [0, 1) for the backoff's jitter; tests pass a fixed value.
  using Random = std::function<double()>;

  // `outbox` and `secrets` must outlive the sender.
  OutboxSender(NetLoop& loop, Outbox& outbox, const DeliverySecrets& secrets, SenderOptions options,
               Random random);
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  // Takes every pending row of the outbox (e.g. left by the last run) and every row enqueued
  // from now on, and starts sending.
  void start();
  // Drops timers and requests in flight; rows stay pending in the outbox.
  void stop();

  // Lanes with a request in flight or a retry waiting; for tests and the status page.
  std::size_t busy_lanes() const;

 private:
  struct Lane {
    std::deque<OutboxRow> rows{};  // by id; the head is the one being sent
    bool busy{false};              // a request in flight or a retry timer set
    std::optional<EventLoop::TimerId> timer{};
    std::optional<NetLoop::TransferId> transfer{};
  };

  void add(const std::vector<OutboxRow>& rows);
  void send_head(const std::string& lane_key);
  void on_response(const std::string& lane_key, HttpResponse response);
  void retry_later(const std::string& lane_key, std::string error,
                   std::optional<Duration> at_least);
  void finish_head(const std::string& lane_key);
  bool expired(const OutboxRow& row) const;

  NetLoop& loop_;
  Outbox& outbox_;
  const DeliverySecrets& secrets_;
  const SenderOptions options_;
  Random random_;
  std::unordered_map<std::string, Lane> lanes_{};
  std::set<std::int64_t> known_{};  // ids in some lane
  // Callbacks posted from other threads, or left in the loop's queue, hold a weak copy and do
  // nothing once the sender is gone.
  std::shared_ptr<OutboxSender*> self_{};
};

}  // namespace vitals::notify
