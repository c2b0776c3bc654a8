// Scrapes one service's metrics_url: the request goes out on the network loop (asking for
// OpenMetrics or the text format, gzip accepted, body bounded), the body is parsed and appended
// to the window, and the outcome goes to the caller on the loop. A small body (most services'
// few hundred series) is ingested on the loop thread itself, in tens of microseconds: handing
// it to the CPU pool and back would cost two thread wake-ups, more than the parse. A big one
// goes to the pool, so the loop never stalls on it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "agent/config/config.h"
#include "agent/ingest/target_ingester.h"
#include "agent/net/net_loop.h"
#include "agent/net/url_client.h"
#include "vitals/common/thread_pool.h"

namespace vitals {

// What Prometheus 2.42 asks for: OpenMetrics first, then the text format.
inline constexpr const char* kScrapeAccept =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

// The labels every series of a service's scrape carries: service, instance (the URL's
// host:port) and the configured labels.
LabelPairs scrape_target_labels(const ServiceConfig& service);

// The timestamp a scrape's samples get, as Prometheus' --scrape.adjust-timestamps does: the
// previous scrape's plus the interval when the scrape started within a small tolerance of that
// (1% of the interval, at most 10 ms), else the start itself. Timer slack and scheduling jitter
// then leave a steady series with a delta-of-delta of 0, one bit a sample in its chunk instead
// of sixteen. `last_ms` 0: no previous scrape.
std::int64_t aligned_scrape_ms(std::int64_t now_ms, std::int64_t last_ms, std::int64_t interval_ms);

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
  void finish(HttpResponse response, std::int64_t scrape_ms, Done done);

  std::string url_;
  std::int64_t interval_ms_;
  std::int64_t last_scrape_ms_ = 0;
  HttpRequest request_;  // its timeout set at each start
  NetLoop& loop_;
  Executor& cpu_;
  std::shared_ptr<TargetIngester> ingester_;
  std::shared_ptr<std::mutex> ingest_mu_ = std::make_shared<std::mutex>();
  UrlClient client_;
  // Bumped by cancel(); a result carrying an older value is dropped.
  std::shared_ptr<std::uint64_t> generation_ = std::make_shared<std::uint64_t>(0);
};

}  // namespace vitals
