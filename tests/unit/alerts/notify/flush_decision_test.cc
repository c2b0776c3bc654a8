#include "alerts/notify/flush_decision.h"

#include <doctest/doctest.h>

using vitals::notify::FlushState;
using vitals::notify::LogEntry;
using vitals::notify::needs_update;

namespace {

constexpr std::int64_t kHour = 3'600'000;

FlushState state(const LogEntry* last, std::vector<std::string> firing,
                 std::vector<std::string> resolved = {}) {
  return FlushState{.last = last,
                    .firing = std::move(firing),
                    .resolved = std::move(resolved),
                    .any_unacked = true,
                    .send_resolved = true,
                    .now_ms = 10 * kHour,
                    .repeat_interval_ms = 4 * kHour};
}

}  // namespace

TEST_CASE("a group never notified sends once something fires") {
  CHECK(needs_update(state(nullptr, {"a"})));
  CHECK_FALSE(needs_update(state(nullptr, {})));
}

TEST_CASE("a new firing alert sends and the same firing alerts wait for the repeat") {
  LogEntry last{.timestamp_ms = 9 * kHour, .firing = {"a", "b"}};
  CHECK(needs_update(state(&last, {"a", "c"})));
  CHECK_FALSE(needs_update(state(&last, {"a", "b"})));
  CHECK_FALSE(needs_update(state(&last, {"a"})));  // one fewer firing is not news by itself
  LogEntry old{.timestamp_ms = 6 * kHour, .firing = {"a", "b"}};
  CHECK(needs_update(state(&old, {"a", "b"})));  // exactly repeat_interval later
  LogEntry recent{.timestamp_ms = 6 * kHour + 1, .firing = {"a", "b"}};
  CHECK_FALSE(needs_update(state(&recent, {"a", "b"})));
}

TEST_CASE("new resolutions send only to receivers that want them") {
  LogEntry last{.timestamp_ms = 9 * kHour, .firing = {"a", "b"}};
  auto s = state(&last, {"a"}, {"b"});
  CHECK(needs_update(s));
  s.send_resolved = false;
  CHECK_FALSE(needs_update(s));
  LogEntry told{.timestamp_ms = 9 * kHour, .firing = {"a"}, .resolved = {"b"}};
  CHECK_FALSE(needs_update(state(&told, {"a"}, {"b"})));
}

TEST_CASE("everything resolving sends even without send_resolved, once") {
  LogEntry last{.timestamp_ms = 9 * kHour, .firing = {"a"}};
  auto s = state(&last, {}, {"a"});
  s.send_resolved = false;
  CHECK(needs_update(s));
  LogEntry cleared{.timestamp_ms = 9 * kHour, .resolved = {"a"}};
  CHECK_FALSE(needs_update(state(&cleared, {}, {})));
}

TEST_CASE("acknowledged alerts make no repeats") {
  LogEntry old{.timestamp_ms = 1 * kHour, .firing = {"a"}};
  auto s = state(&old, {"a"});
  s.any_unacked = false;
  CHECK_FALSE(needs_update(s));
  s.firing = {"a", "b"};  // but a new alert still sends
  CHECK(needs_update(s));
}
