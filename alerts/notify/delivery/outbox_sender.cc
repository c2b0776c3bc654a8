#include "alerts/notify/delivery/outbox_sender.h"

#include <algorithm>

#include "vitals/common/duration.h"
#include "vitals/common/log.h"

namespace vitals::notify {
namespace {

std::string lane_key_of(const OutboxMessage& m) {
  return m.receiver + '\x1f' + m.integration + '\x1f' + m.group_key;
}

std::int64_t unix_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

OutboxSender::OutboxSender(NetLoop& loop, Outbox& outbox, const DeliverySecrets& secrets,
                           SenderOptions options, Random random)
    : loop_(loop),
      outbox_(outbox),
      secrets_(secrets),
      options_(std::move(options)),
      random_(std::move(random)) {}

OutboxSender::~OutboxSender() {
  stop();
}

void OutboxSender::start() {
  stop();
  self_ = std::make_shared<OutboxSender*>(this);
  // The listener first, then the rows already pending: a row enqueued in between arrives both
  // ways, and add() takes it once.
  std::weak_ptr<OutboxSender*> weak = self_;
  NetLoop* loop = &loop_;
  outbox_.set_listener([weak, loop](const std::vector<OutboxRow>& rows) {
    loop->events().post([weak, rows] {
      if (auto self = weak.lock()) (*self)->add(rows);
    });
  });
  add(outbox_.pending());
}

void OutboxSender::stop() {
  if (!self_) return;
  outbox_.set_listener(nullptr);
  self_.reset();
  for (auto& [key, lane] : lanes_) {
    if (lane.timer) loop_.events().cancel(*lane.timer);
    if (lane.transfer) loop_.cancel(*lane.transfer);
  }
  lanes_.clear();
  known_.clear();
}

std::size_t OutboxSender::busy_lanes() const {
  return static_cast<std::size_t>(
      std::count_if(lanes_.begin(), lanes_.end(), [](const auto& l) { return l.second.busy; }));
}

void OutboxSender::add(const std::vector<OutboxRow>& rows) {
  std::set<std::string> touched;
  for (const OutboxRow& row : rows) {
    // Already in a lane, or finished before this (posted) copy arrived.
    if (known_.contains(row.id) || !outbox_.is_pending(row.id)) continue;
    known_.insert(row.id);
    const std::string key = lane_key_of(row.message);
    Lane& lane = lanes_[key];
    // Two threads' enqueues may be posted out of order: keep each lane in id order, but never
    // put a row before a head that is already being sent.
    auto first_movable = lane.rows.begin() + (lane.busy && !lane.rows.empty() ? 1 : 0);
    auto at = std::upper_bound(first_movable, lane.rows.end(), row.id,
                               [](std::int64_t id, const OutboxRow& r) { return id < r.id; });
    lane.rows.insert(at, row);
    touched.insert(key);
  }
  for (const std::string& key : touched) {
    if (!lanes_[key].busy) send_head(key);
  }
}

bool OutboxSender::expired(const OutboxRow& row) const {
  // A row never tried (say, after a long outage of the agent itself) gets one attempt: a late
  // page beats a silently dropped one.
  if (row.attempts == 0) return false;
  const std::int64_t age = unix_ms(loop_.events().clock().wall_now()) - row.message.created_ms;
  return age >= to_ms(options_.max_age);
}

void OutboxSender::finish_head(const std::string& lane_key) {
  Lane& lane = lanes_[lane_key];
  known_.erase(lane.rows.front().id);
  lane.rows.pop_front();
}

void OutboxSender::send_head(const std::string& lane_key) {
  Lane& lane = lanes_[lane_key];
  while (!lane.rows.empty() && expired(lane.rows.front())) {
    OutboxRow& row = lane.rows.front();
    std::string reason = "gave up after " + format_duration(options_.max_age) + " and " +
                         std::to_string(row.attempts) + " attempts: " + row.last_error;
    log::warn("notification given up", {{"receiver", row.message.receiver},
                                        {"integration", row.message.integration},
                                        {"reason", reason}});
    outbox_.mark_failed(row.id, row.attempts, std::move(reason));
    finish_head(lane_key);
  }
  if (lane.rows.empty()) {
    lanes_.erase(lane_key);
    return;
  }
  OutboxRow& row = lane.rows.front();
  auto target = secrets_.resolve(row);
  if (!target) {
    ++row.attempts;
    retry_later(lane_key, to_string(target.error()), std::nullopt);
    return;
  }
  HttpRequest request{.url = std::move(target->url),
                      .method = "POST",
                      .headers = {{"Content-Type", "application/json"},
                                  {"Idempotency-Key", row.message.dedup_key},
                                  {"User-Agent", options_.user_agent}},
                      .body = std::move(target->body),
                      .timeout = options_.timeout};
  lane.busy = true;
  std::weak_ptr<OutboxSender*> weak = self_;
  lane.transfer = loop_.fetch(std::move(request), [weak, lane_key](HttpResponse response) {
    if (auto self = weak.lock()) (*self)->on_response(lane_key, std::move(response));
  });
}

void OutboxSender::on_response(const std::string& lane_key, HttpResponse response) {
  auto it = lanes_.find(lane_key);
  if (it == lanes_.end() || it->second.rows.empty()) return;
  Lane& lane = it->second;
  lane.busy = false;
  lane.transfer.reset();
  OutboxRow& row = lane.rows.front();
  ++row.attempts;
  switch (classify(response)) {
    case Outcome::Delivered:
      outbox_.mark_delivered(row.id, row.attempts);
      break;
    case Outcome::Permanent: {
      std::string reason = describe_failure(response);
      log::warn("notification refused", {{"receiver", row.message.receiver},
                                         {"integration", row.message.integration},
                                         {"err", reason}});
      outbox_.mark_failed(row.id, row.attempts, std::move(reason));
      break;
    }
    case Outcome::Retry:
      retry_later(lane_key, describe_failure(response), retry_after(response));
      return;
  }
  finish_head(lane_key);
  send_head(lane_key);
}

void OutboxSender::retry_later(const std::string& lane_key, std::string error,
                               std::optional<Duration> at_least) {
  Lane& lane = lanes_[lane_key];
  OutboxRow& row = lane.rows.front();
  const Clock& clock = loop_.events().clock();
  Duration delay = backoff_delay(options_.backoff, row.attempts, random_());
  if (at_least) delay = std::max(delay, std::min(*at_least, options_.backoff.cap));
  // Never sleep past the row's give-up time, so it is reported failed on time.
  const Duration left = std::chrono::milliseconds(row.message.created_ms) + options_.max_age -
                        clock.wall_now().time_since_epoch();
  delay = std::clamp(left, Duration{0}, delay);
  row.last_error = error;
  outbox_.mark_retry(row.id, row.attempts,
                     clock.wall_now() + std::chrono::duration_cast<WallTime::duration>(delay),
                     std::move(error));
  lane.busy = true;
  std::weak_ptr<OutboxSender*> weak = self_;
  lane.timer = loop_.events().add_timer(clock.now() + delay, [weak, lane_key] {
    auto self = weak.lock();
    if (!self) return;
    auto it = (*self)->lanes_.find(lane_key);
    if (it == (*self)->lanes_.end()) return;
    it->second.busy = false;
    it->second.timer.reset();
    (*self)->send_head(lane_key);
  });
}

}  // namespace vitals::notify
