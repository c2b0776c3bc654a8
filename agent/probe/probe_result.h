// What one out-of-band probe found. A failed probe is data, not an error: it carries one
// reason from SPEC.md's fixed set and the text a person reads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agent/net/net_loop.h"
#include "vitals/common/clock.h"

namespace vitals {

enum class FailureReason {
  None,
  Resolve,
  Connect,
  Tls,
  Timeout,
  Status,
  Body,
  Expectation,
  Certificate,
};

// "resolve", "connect", … as in probe_failure_reason{reason=…}; "" for None.
std::string_view to_string(FailureReason reason);

// The reason an HTTP transfer's failure gives. A response that never fully arrived (empty
// reply, reset) counts as a failed connection; a body over the limit as `body`.
FailureReason failure_reason_of(HttpResponse::Failure failure);

struct ProbeResult {
  bool success = false;
  FailureReason reason = FailureReason::None;
  std::string error{};  // empty on success
  Duration duration{0};
  PhaseTimings phases{};
  std::optional<int> http_status{};
  std::optional<WallTime> cert_expiry{};  // earliest notAfter in the chain (http over TLS, tls)
};

}  // namespace vitals
