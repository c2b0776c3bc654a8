#include "agent/scrape/health_scraper.h"

#include <cstdio>

namespace vitals {
namespace {

// A /health body is small; without a configured limit, this keeps a hostile one bounded.
constexpr std::uint64_t kDefaultBodyLimit = 16 << 20;

std::string seconds_text(Duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double>(d).count());
  return text;
}

}  // namespace

HealthObservation observe_health_response(const std::string& url, const HttpResponse& response) {
  HealthObservation seen;
  seen.duration = response.total;
  if (response.transport_error) {
    seen.reason = failure_reason_of(response.failure);
    seen.error = "GET " + url + ": " + *response.transport_error;
    return seen;
  }
  // The checkers library answers 503 with a full body when the service is unhealthy.
  if (response.status != 200 && response.status != 503) {
    seen.reason = FailureReason::Status;
    seen.error = "GET " + url + " returned " + std::to_string(response.status);
    return seen;
  }
  auto report = parse_health_json(response.body);
  if (!report) {
    seen.reason = FailureReason::Body;
    seen.error = "GET " + url + ": " + report.error().message;
    return seen;
  }
  seen.reachable = true;
  seen.report = std::move(*report);
  return seen;
}

HealthScraper::HealthScraper(std::string url, std::uint64_t body_size_limit,
                             std::string bearer_token, NetLoop& loop)
    : url_(std::move(url)),
      body_size_limit_(body_size_limit > 0 ? body_size_limit : kDefaultBodyLimit),
      bearer_token_(std::move(bearer_token)),
      loop_(loop),
      client_(loop, url_) {}

HealthScraper::~HealthScraper() {
  cancel();
}

void HealthScraper::start(SteadyTime deadline, Done done) {
  cancel();
  HttpRequest request;
  request.timeout = deadline - loop_.events().clock().now();
  if (request.timeout <= Duration::zero()) request.timeout = std::chrono::milliseconds(1);
  request.max_body_bytes = body_size_limit_;
  request.accept_gzip = true;
  request.headers["Accept"] = "application/json";
  request.headers["X-Prometheus-Scrape-Timeout-Seconds"] = seconds_text(request.timeout);
  if (!bearer_token_.empty()) request.headers["Authorization"] = "Bearer " + bearer_token_;
  client_.fetch(std::move(request), [this, done = std::move(done)](HttpResponse r) {
    done(observe_health_response(url_, r));
  });
}

void HealthScraper::cancel() {
  client_.cancel();
}

}  // namespace vitals
