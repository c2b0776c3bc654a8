#include "agent/web/rate_limiter.h"

#include <doctest/doctest.h>

namespace {

using namespace std::chrono_literals;
using vitals::SteadyTime;
using vitals::detail::RateLimiter;

const SteadyTime kStart = SteadyTime(1h);

int allowed_of(RateLimiter& limiter, const std::string& client, int tries, SteadyTime at) {
  int allowed = 0;
  for (int i = 0; i < tries; ++i) allowed += limiter.allow(client, at) ? 1 : 0;
  return allowed;
}

}  // namespace

TEST_CASE("a client gets its burst at once, then the rate") {
  RateLimiter limiter({.per_second = 10, .burst = 5});
  CHECK(allowed_of(limiter, "127.0.0.1", 8, kStart) == 5);
  CHECK(limiter.wait_for_token("127.0.0.1", kStart) == 100ms);
  CHECK(allowed_of(limiter, "127.0.0.1", 8, kStart + 300ms) == 3);
  // The bucket never holds more than the burst, however long the client was away.
  CHECK(allowed_of(limiter, "127.0.0.1", 20, kStart + 1h) == 5);
}

TEST_CASE("each client address has a bucket of its own") {
  RateLimiter limiter({.per_second = 1, .burst = 2});
  CHECK(allowed_of(limiter, "10.0.0.1", 5, kStart) == 2);
  CHECK(allowed_of(limiter, "10.0.0.2", 5, kStart) == 2);
  CHECK(limiter.wait_for_token("10.0.0.3", kStart) == 0s);
}

TEST_CASE("no rate means no limit") {
  RateLimiter limiter({.per_second = 0, .burst = 1});
  CHECK(allowed_of(limiter, "127.0.0.1", 1000, kStart) == 1000);
}

TEST_CASE("past max_clients the idlest client is forgotten, not the busy ones") {
  RateLimiter limiter({.per_second = 1, .burst = 1}, /*max_clients=*/2);
  CHECK(limiter.allow("old", kStart));
  CHECK(limiter.allow("busy", kStart + 1s));
  CHECK(limiter.allow("new", kStart + 1s));  // forgets "old"
  CHECK_FALSE(limiter.allow("busy", kStart + 1s));
  CHECK(limiter.allow("old", kStart + 1s));  // a forgotten client starts with a full bucket
}
