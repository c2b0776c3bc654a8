#include "alerts/notify/delivery/backoff.h"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using namespace vitals;
using namespace vitals::notify;

TEST_CASE("the backoff doubles from the base up to the cap") {
  BackoffPolicy policy{.base = 1s, .cap = 5min};
  // A draw of 1 is the full delay; 0 is half of it.
  CHECK(backoff_delay(policy, 1, 0.9999999) <= 1s);
  CHECK(backoff_delay(policy, 1, 0.9999999) > 999ms);
  CHECK(backoff_delay(policy, 1, 0.0) == 500ms);
  CHECK(backoff_delay(policy, 2, 0.0) == 1s);
  CHECK(backoff_delay(policy, 3, 0.0) == 2s);
  CHECK(backoff_delay(policy, 9, 0.0) == 128s);
  CHECK(backoff_delay(policy, 10, 0.0) == 150s);  // half of the 5 min cap
  CHECK(backoff_delay(policy, 1000, 0.0) == 150s);
  CHECK(backoff_delay(policy, 1000, 1.0) == 5min);
}

TEST_CASE("the jitter spreads each attempt's delay between half and all of it") {
  BackoffPolicy policy{.base = 100ms, .cap = 10s};
  CHECK(backoff_delay(policy, 3, 0.5) == 300ms);
  CHECK(backoff_delay(policy, 3, 0.25) == 250ms);
}

TEST_CASE("2xx is delivered; 5xx, 408, 429 and transport errors are retried; other 4xx are not") {
  auto status = [](long code) { return HttpResponse{.status = code}; };
  CHECK(classify(status(200)) == Outcome::Delivered);
  CHECK(classify(status(204)) == Outcome::Delivered);
  CHECK(classify(status(500)) == Outcome::Retry);
  CHECK(classify(status(503)) == Outcome::Retry);
  CHECK(classify(status(429)) == Outcome::Retry);
  CHECK(classify(status(408)) == Outcome::Retry);
  CHECK(classify(status(400)) == Outcome::Permanent);
  CHECK(classify(status(404)) == Outcome::Permanent);
  CHECK(classify(status(301)) == Outcome::Permanent);
  CHECK(classify(HttpResponse{.transport_error = "Connection refused",
                              .failure = HttpResponse::Failure::Connect}) == Outcome::Retry);
}

TEST_CASE("Retry-After in seconds is read; dates and junk are ignored") {
  HttpResponse response{.status = 429, .headers = {{"retry-after", "30"}}};
  CHECK(retry_after(response) == std::optional<Duration>(30s));
  response.headers["retry-after"] = "Wed, 21 Oct 2015 07:28:00 GMT";
  CHECK_FALSE(retry_after(response));
  CHECK_FALSE(retry_after(HttpResponse{.status = 503}));
}

TEST_CASE("a failure is described by its transport error or its status and body start") {
  CHECK(describe_failure(HttpResponse{.transport_error = "timed out"}) == "timed out");
  CHECK(describe_failure(HttpResponse{.status = 400, .body = "bad\nrequest"}) ==
        "HTTP 400: bad request");
  CHECK(describe_failure(HttpResponse{.status = 503}) == "HTTP 503");
}
