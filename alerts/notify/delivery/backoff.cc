#include "alerts/notify/delivery/backoff.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace vitals::notify {
namespace {

constexpr std::size_t kBodyInError = 200;

}  // namespace

Duration backoff_delay(const BackoffPolicy& policy, int attempt, double random01) {
  const double base = static_cast<double>(policy.base.count());
  const double cap = static_cast<double>(policy.cap.count());
  // Computed in double: factor^attempt overflows integers long before the cap stops it.
  double full = std::min(cap, base * std::pow(policy.factor, std::max(0, attempt - 1)));
  double jittered = full * (0.5 + 0.5 * std::clamp(random01, 0.0, 1.0));
  return Duration{static_cast<Duration::rep>(std::min(jittered, cap))};
}

Outcome classify(const HttpResponse& response) {
  if (response.transport_error) return Outcome::Retry;
  const long status = response.status;
  if (status >= 200 && status < 300) return Outcome::Delivered;
  if (status >= 500 || status == 408 || status == 429) return Outcome::Retry;
  return Outcome::Permanent;
}

std::optional<Duration> retry_after(const HttpResponse& response) {
  auto it = response.headers.find("retry-after");
  if (it == response.headers.end()) return std::nullopt;
  long seconds = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

std::string describe_failure(const HttpResponse& response) {
  if (response.transport_error) return *response.transport_error;
  std::string body = response.body.substr(0, kBodyInError);
  std::replace(body.begin(), body.end(), '\n', ' ');
  std::string out = "HTTP " + std::to_string(response.status);
  return body.empty() ? out : out + ": " + body;
}

}  // namespace vitals::notify
