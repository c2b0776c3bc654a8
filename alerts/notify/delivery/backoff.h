// When to try a failed delivery again, and which failures are worth retrying. Pure functions,
// so the policy is tested without a network; the random draw is injected.
#pragma once

#include <chrono>
#include <optional>

#include "agent/net/net_loop.h"
#include "vitals/common/clock.h"

namespace vitals::notify {

// Exponential backoff with jitter: attempt n waits between half and all of
// min(cap, base * factor^(n-1)), so receivers coming back are not hit by every sender at once.
struct BackoffPolicy {
  Duration base{std::chrono::seconds(1)};
  Duration cap{std::chrono::minutes(5)};
  double factor{2.0};
};

// The wait after the `attempt`-th failed attempt (1 for the first), given `random01` drawn
// uniformly from [0, 1).
Duration backoff_delay(const BackoffPolicy& policy, int attempt, double random01);

enum class Outcome { Delivered, Retry, Permanent };

// 2xx: delivered. No response (connect error, timeout, reset), 5xx, 408 and 429: retry. Any
// other status (4xx, or a 3xx, since redirects are not followed): a permanent failure.
Outcome classify(const HttpResponse& response);

// A Retry-After header in seconds, when the receiver sent one (429, 503).
std::optional<Duration> retry_after(const HttpResponse& response);

// What went wrong, short enough for a log line and the API: the transport error, or the status
// and the start of the body.
std::string describe_failure(const HttpResponse& response);

}  // namespace vitals::notify
