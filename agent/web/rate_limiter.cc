#include "agent/web/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace vitals::detail {

RateLimiter::RateLimiter(RateLimit limit, std::size_t max_clients)
    : limit_{limit.per_second, std::max(1.0, limit.burst)},
      max_clients_(std::max<std::size_t>(1, max_clients)) {}

RateLimiter::Bucket& RateLimiter::bucket(std::string_view client, SteadyTime now) {
  auto found = buckets_.find(std::string(client));
  if (found == buckets_.end()) {
    if (buckets_.size() >= max_clients_) forget_idlest();
    found = buckets_.emplace(std::string(client), Bucket{limit_.burst, now}).first;
  }
  Bucket& b = found->second;
  if (now > b.updated) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.per_second);
    b.updated = now;
  }
  return b;
}

void RateLimiter::forget_idlest() {
  auto idlest = std::min_element(
      buckets_.begin(), buckets_.end(),
      [](const auto& a, const auto& b) { return a.second.updated < b.second.updated; });
  buckets_.erase(idlest);
}

bool RateLimiter::allow(std::string_view client, SteadyTime now) {
  if (limit_.per_second <= 0) return true;
  MutexLock lock(mu_);
  Bucket& b = bucket(client, now);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

Duration RateLimiter::wait_for_token(std::string_view client, SteadyTime now) {
  if (limit_.per_second <= 0) return Duration(0);
  MutexLock lock(mu_);
  const Bucket& b = bucket(client, now);
  if (b.tokens >= 1) return Duration(0);
  return std::chrono::duration_cast<Duration>(
      std::chrono::duration<double>((1 - b.tokens) / limit_.per_second));
}

}  // namespace vitals::detail
