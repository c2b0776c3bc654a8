#include "agent/ingest/metrics_scraper.h"

#include <charconv>
#include <cstdlib>

#include "vitals/common/duration.h"

namespace vitals {
namespace {

// "http://host:port/path" -> "host:port", as Prometheus' instance label.
std::string instance_of(const std::string& url) {
  std::size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::size_t end = url.find('/', start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (std::size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  return authority;
}

// Bodies up to this size are ingested on the loop thread: about 700 series, well under a
// millisecond of parsing.
constexpr std::size_t kInlineBodyBytes = 64 * 1024;

std::int64_t unix_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The same every time, so the connection renders it once. The timeout header carries the
// configured timeout, as Prometheus sends it ("10", "0.5").
HttpRequest scrape_request(const ServiceConfig& service, const std::string& bearer_token) {
  HttpRequest request;
  request.max_body_bytes = service.body_size_limit;
  request.accept_gzip = true;
  request.headers["Accept"] = kScrapeAccept;
  char seconds[32];
  auto end = std::to_chars(seconds, seconds + sizeof seconds,
                           std::chrono::duration<double>(service.timeout).count())
                 .ptr;
  request.headers["X-Prometheus-Scrape-Timeout-Seconds"] = std::string(seconds, end);
  if (!bearer_token.empty()) request.headers["Authorization"] = "Bearer " + bearer_token;
  return request;
}

}  // namespace

std::int64_t aligned_scrape_ms(std::int64_t now_ms, std::int64_t last_ms,
                               std::int64_t interval_ms) {
  if (last_ms == 0 || interval_ms <= 0) return now_ms;
  const std::int64_t expected = last_ms + interval_ms;
  const std::int64_t tolerance = std::min<std::int64_t>(10, interval_ms / 100);
  return std::abs(now_ms - expected) <= tolerance ? expected : now_ms;
}

LabelPairs scrape_target_labels(const ServiceConfig& service) {
  LabelPairs labels;
  for (const auto& [name, value] : service.labels) {
    if (name != "service" && name != "instance") labels.push_back({name, value});
  }
  labels.push_back({"service", service.name});
  labels.push_back({"instance", instance_of(service.metrics_url.value_or(""))});
  return labels;
}

MetricsScraper::MetricsScraper(const ServiceConfig& service, std::string bearer_token,
                               NetLoop& loop, Executor& cpu, SampleWindow& window)
    : url_(service.metrics_url.value_or("")),
      interval_ms_(to_ms(service.interval)),
      request_(scrape_request(service, bearer_token)),
      loop_(loop),
      cpu_(cpu),
      ingester_(std::make_shared<TargetIngester>(window, scrape_target_labels(service),
                                                 service.sample_limit)),
      client_(loop, url_) {}

MetricsScraper::~MetricsScraper() {
  cancel();
}

void MetricsScraper::start(SteadyTime deadline, Done done) {
  cancel();
  request_.timeout =
      std::max<Duration>(deadline - loop_.events().clock().now(), std::chrono::milliseconds(1));
  const std::int64_t scrape_ms =
      aligned_scrape_ms(unix_ms(loop_.events().clock().wall_now()), last_scrape_ms_, interval_ms_);
  last_scrape_ms_ = scrape_ms;
  client_.fetch(request_, [this, scrape_ms, done = std::move(done)](HttpResponse response) mutable {
    finish(std::move(response), scrape_ms, std::move(done));
  });
}

namespace {

IngestOutcome ingest_response(TargetIngester& ingester, const HttpResponse& response,
                              const std::string& url, std::int64_t scrape_ms) {
  if (response.transport_error) {
    return ingester.fail("GET " + url + ": " + *response.transport_error, scrape_ms,
                         response.total);
  }
  if (response.status != 200) {
    return ingester.fail("GET " + url + " returned " + std::to_string(response.status), scrape_ms,
                         response.total);
  }
  auto type = response.headers.find("content-type");
  ExpositionFormat format =
      format_from_content_type(type == response.headers.end() ? "" : type->second);
  return ingester.ingest(response.body, format, scrape_ms, response.total);
}

}  // namespace

// A big body is parsed on the pool, and only the outcome returns to the loop, where `done`
// runs unless the scrape was cancelled meanwhile. So is a small one while a written-off
// scrape's big body still holds the ingester: the loop never waits for it.
void MetricsScraper::finish(HttpResponse response, std::int64_t scrape_ms, Done done) {
  if (response.body.size() <= kInlineBodyBytes) {
    std::unique_lock<std::mutex> one_at_a_time(*ingest_mu_, std::try_to_lock);
    if (one_at_a_time.owns_lock()) {
      IngestOutcome outcome = ingest_response(*ingester_, response, url_, scrape_ms);
      one_at_a_time.unlock();
      done(std::move(outcome));
      return;
    }
  }
  auto task = [ingester = ingester_, busy = ingest_mu_, response = std::move(response), scrape_ms,
               url = url_, generation = generation_, expected = *generation_, loop = &loop_,
               done = std::move(done)]() mutable {
    // A scrape written off by the scheduler may still be ingesting when the next one lands.
    std::unique_lock<std::mutex> one_at_a_time(*busy);
    IngestOutcome outcome = ingest_response(*ingester, response, url, scrape_ms);
    one_at_a_time.unlock();
    loop->events().post(
        [generation, expected, done = std::move(done), outcome = std::move(outcome)]() mutable {
          if (*generation == expected) done(std::move(outcome));
        });
  };
  cpu_.submit(std::move(task));
}

void MetricsScraper::cancel() {
  ++*generation_;
  client_.cancel();
}

}  // namespace vitals
