// Fetches one service's /health on the network loop and turns the answer into an observation:
// the service's own report, or why no usable answer came (one reason of SPEC's fixed set).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/config/config.h"
#include "agent/net/net_loop.h"
#include "agent/net/url_client.h"
#include "agent/probe/probe_result.h"
#include "agent/scrape/health_json_parser.h"

namespace vitals {

struct HealthObservation {
  bool reachable = false;  // a valid checkers-library body arrived (200 or 503)
  FailureReason reason = FailureReason::None;
  std::string error{};
  std::optional<ServiceHealthReport> report{};
  Duration duration{0};
};

// Lives on the network loop's thread. One scrape at a time.
class HealthScraper {
 public:
  using Done = std::function<void(HealthObservation)>;

  // `bearer_token` empty: no Authorization header, so the service withholds details.
  HealthScraper(std::string url, std::uint64_t body_size_limit, std::string bearer_token,
                NetLoop& loop);
  ~HealthScraper();
  HealthScraper(const HealthScraper&) = delete;
  HealthScraper& operator=(const HealthScraper&) = delete;

  // `done` runs on the loop thread once the answer is in or the deadline has passed.
  void start(SteadyTime deadline, Done done);
  void cancel();

 private:
  std::string url_;
  std::uint64_t body_size_limit_;
  std::string bearer_token_;
  NetLoop& loop_;
  UrlClient client_;
};

// The observation one HTTP answer (or failure) makes. Pure; exposed for tests.
HealthObservation observe_health_response(const std::string& url, const HttpResponse& response);

}  // namespace vitals
