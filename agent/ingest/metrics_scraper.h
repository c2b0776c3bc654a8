// Scrapes one service's metrics_url: the request goes out on the network loop (asking for
// OpenMetrics or the text format, gzip accepted, body bounded), the body is parsed and appended
// to the window on the CPU pool, and the outcome comes back to the loop.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "agent/config/config.h"
#include "agent/ingest/target_ingester.h"
#include "agent/net/net_loop.h"
#include "vitals/common/thread_pool.h"

namespace vitals {

// What Prometheus 2.42 asks for: OpenMetrics first, then the text format.
inline constexpr const char* kScrapeAccept =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

// The labels every series of a service's scrape carries: service, instance (the URL's
// host:port) and the configured labels.
LabelPairs scrape_target_labels(const ServiceConfig& service);

// Lives on the network loop's thread; one scrape at a time. The window and the pool must
// outlive it; a result that arrives after cancel() or destruction is dropped.
class MetricsScraper {
 public:
  using Done = std::function<void(IngestOutcome)>;

  MetricsScraper(const ServiceConfig& service, std::string bearer_token, NetLoop& loop,
                 Executor& cpu, SampleWindow& window);
  ~MetricsScraper();
  MetricsScraper(const MetricsScraper&) = delete;
  MetricsScraper& operator=(const MetricsScraper&) = delete;

  void start(SteadyTime deadline, Done done);
  void cancel();

 private:
  void hand_to_cpu(HttpResponse response, std::int64_t scrape_ms, Done done);

  std::string url_;
  std::uint64_t body_size_limit_;
  std::string bearer_token_;
  NetLoop& loop_;
  Executor& cpu_;
  std::shared_ptr<TargetIngester> ingester_;
  std::shared_ptr<std::mutex> ingest_mu_ = std::make_shared<std::mutex>();
  NetLoop::TransferId transfer_ = 0;
  // Bumped by cancel(); a result carrying an older value is dropped.
  std::shared_ptr<std::uint64_t> generation_ = std::make_shared<std::uint64_t>(0);
};

}  // namespace vitals
