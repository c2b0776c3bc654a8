// A token bucket per client address for the JSON API: each client may make `per_second`
// requests a second on average, in bursts of up to `burst`. Past that the API answers 429, so one
// runaway dashboard or script cannot take the workers from everyone else. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vitals/common/clock.h"
#include "vitals/common/mutex.h"

namespace vitals::detail {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // the bucket's size; at least one request
};

class RateLimiter {
 public:
  // Remembers at most `max_clients` addresses; past that the ones idle longest are forgotten
  // (a forgotten client starts again with a full bucket).
  explicit RateLimiter(RateLimit limit, std::size_t max_clients = 4096);

  // True when `client` may make a request at `now`, taking a token.
  bool allow(std::string_view client, SteadyTime now) EXCLUDES(mu_);
  // How long until `client` has a token again: for Retry-After. Zero when it has one.
  Duration wait_for_token(std::string_view client, SteadyTime now) EXCLUDES(mu_);

 private:
  struct Bucket {
    double tokens = 0;
    SteadyTime updated{};
  };
  Bucket& bucket(std::string_view client, SteadyTime now) REQUIRES(mu_);
  void forget_idlest() REQUIRES(mu_);

  const RateLimit limit_;
  const std::size_t max_clients_;
  Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ GUARDED_BY(mu_);
};

}  // namespace vitals::detail
