// The exposition parser alone: builds the /metrics body of a busy service (10,000 series of
// counters, gauges, histograms and a summary, with the labels such a service carries) in the
// Prometheus text format and in OpenMetrics, parses each one `--parses` times per run, and
// prints MB/s (10^6 bytes) and samples/s as the median of `--runs` runs, timed in thread CPU
// time.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/scrape/text_format_parser.h"

// Counts heap allocations, to show that parsing allocates per body, not per sample.
std::size_t g_allocations = 0;

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using vitals::ExpositionFormat;

struct Options {
  int runs = 7;
  int parses = 20;
  std::size_t series = 10000;
};

// Writes families in either format; counts the series it wrote.
class ExpositionWriter {
 public:
  explicit ExpositionWriter(ExpositionFormat format) : format_(format) {}

  // `name` is the family's name as OpenMetrics spells it (a counter without `_total`).
  void family(std::string_view name, std::string_view type, std::string_view help) {
    const bool om = format_ == ExpositionFormat::OpenMetrics;
    std::string typed(name);
    if (type == "counter" && !om) typed += "_total";
    body_.append("# HELP ").append(typed).append(" ").append(help).append("\n");
    body_.append("# TYPE ").append(typed).append(" ").append(type).append("\n");
    if (om && name.ends_with("_seconds")) body_.append("# UNIT ").append(name).append(" seconds\n");
  }

  void sample(std::string_view name, std::string_view labels, std::string_view value) {
    body_.append(name);
    if (!labels.empty()) body_.append("{").append(labels).append("}");
    body_.append(" ").append(value).append("\n");
    ++series_;
  }

  std::string finish() {
    if (format_ == ExpositionFormat::OpenMetrics) body_ += "# EOF\n";
    return std::move(body_);
  }
  std::size_t series() const { return series_; }

 private:
  ExpositionFormat format_;
  std::string body_{};
  std::size_t series_ = 0;
};

// A deterministic stream of plausible values.
class Values {
 public:
  std::string counter() { return std::to_string(next() % 5000000); }
  std::string real() { return std::to_string((next() % 100000000) / 1000.0); }
  std::string nan_or_real() { return next() % 10 == 0 ? "NaN" : real(); }
  std::uint64_t below(std::uint64_t limit) { return next() % limit; }

 private:
  std::uint64_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  std::uint64_t state_ = 42;
};

const char* const kMethods[] = {"GET", "POST", "PUT", "DELETE"};
const char* const kBuckets[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};

std::string route(int i) {
  static const char* const kResources[] = {"cards", "accounts", "feeds", "payments", "users"};
  return "/api/v1/" + std::string(kResources[i % 5]) + "/{id}/" + "action" + std::to_string(i / 5);
}

void histogram(ExpositionWriter& out, Values& values, std::string_view name,
               const std::string& labels) {
  std::uint64_t count = 0;
  for (const char* le : kBuckets) {
    count += values.below(1000);
    out.sample(std::string(name) + "_bucket", labels + ",le=\"" + le + "\"", std::to_string(count));
  }
  out.sample(std::string(name) + "_sum", labels, values.real());
  out.sample(std::string(name) + "_count", labels, std::to_string(count));
}

void write_http(ExpositionWriter& out, Values& values) {
  out.family("http_requests", "counter", "HTTP requests by method, route and status.");
  for (const char* method : kMethods) {
    for (int r = 0; r < 25; ++r) {
      for (const char* status : {"200", "201", "400", "404", "500"}) {
        out.sample("http_requests_total",
                   "method=\"" + std::string(method) + "\",route=\"" + route(r) + "\",status=\"" +
                       status + "\"",
                   values.counter());
      }
    }
  }
  out.family("http_request_duration_seconds", "histogram", "HTTP request latency.");
  for (const char* method : kMethods) {
    for (int r = 0; r < 25; ++r) {
      histogram(out, values, "http_request_duration_seconds",
                "method=\"" + std::string(method) + "\",route=\"" + route(r) + "\"");
    }
  }
}

void write_business(ExpositionWriter& out, Values& values) {
  out.family("card_authorisations", "counter", "Card authorisations by issuer and result.");
  for (int issuer = 0; issuer < 20; ++issuer) {
    for (const char* result : {"approved", "declined", "referred", "error", "timeout"}) {
      for (const char* currency :
           {"EUR", "USD", "GBP", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK"}) {
        out.sample("card_authorisations_total",
                   "issuer=\"issuer-" + std::to_string(issuer) + "\",result=\"" + result +
                       "\",currency=\"" + currency + "\"",
                   values.counter());
      }
    }
  }
  out.family("rpc_client_duration_seconds", "histogram", "Outgoing RPC latency by peer.");
  for (int peer = 0; peer < 10; ++peer) {
    for (int method = 0; method < 20; ++method) {
      histogram(out, values, "rpc_client_duration_seconds",
                "peer=\"ledger-" + std::to_string(peer) + ".internal:9090\",method=\"Ledger/M" +
                    std::to_string(method) + "\"");
    }
  }
  out.family("db_query_duration_seconds", "summary", "Database query latency.");
  for (int query = 0; query < 100; ++query) {
    const std::string labels = "query=\"q" + std::to_string(query) + "\"";
    for (const char* q : {"0.5", "0.9", "0.99"}) {
      out.sample("db_query_duration_seconds", labels + ",quantile=\"" + q + "\"",
                 values.nan_or_real());
    }
    out.sample("db_query_duration_seconds_sum", labels, values.real());
    out.sample("db_query_duration_seconds_count", labels, values.counter());
  }
}

void write_gauges(ExpositionWriter& out, Values& values, std::size_t goal) {
  out.family("cache_entries", "gauge", "Entries per cache shard.");
  for (int cache = 0; cache < 10; ++cache) {
    for (int shard = 0; shard < 50; ++shard) {
      out.sample(
          "cache_entries",
          "cache=\"cache-" + std::to_string(cache) + "\",shard=\"" + std::to_string(shard) + "\"",
          values.counter());
    }
  }
  out.family("queue_depth", "gauge", "Messages waiting per queue partition.");
  for (int queue = 0; queue < 20; ++queue) {
    for (int partition = 0; partition < 50; ++partition) {
      out.sample("queue_depth",
                 "queue=\"queue-" + std::to_string(queue) + "\",partition=\"" +
                     std::to_string(partition) + "\"",
                 values.counter());
    }
  }
  out.family("tenant_requests_in_flight", "gauge", "Requests in flight per tenant.");
  for (std::size_t tenant = 0; out.series() < goal; ++tenant) {
    out.sample("tenant_requests_in_flight", "tenant=\"tenant-" + std::to_string(tenant) + "\"",
               values.real());
  }
}

struct Exposition {
  std::string body{};
  std::size_t series = 0;
};

// The fixed families hold 7,700 series; per-tenant gauges make up the rest of `series`.
Exposition build_exposition(ExpositionFormat format, std::size_t series) {
  ExpositionWriter out(format);
  Values values;
  write_http(out, values);
  write_business(out, values);
  write_gauges(out, values, series);
  const std::size_t written = out.series();
  return {out.finish(), written};
}

struct Sink : vitals::ExpositionVisitor {
  void on_sample(const vitals::ParsedSample& sample) override {
    checksum += sample.value == sample.value ? sample.value : 0;
    label_bytes += sample.labels.size() + sample.name.size();
  }
  double checksum = 0;
  std::size_t label_bytes = 0;
};

struct Figures {
  double megabytes_per_second = 0;
  double samples_per_second = 0;
  double allocations_per_parse = 0;
  double best_megabytes_per_second = 0;  // the least disturbed run, on a shared machine
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// CPU time of this thread: other processes on the machine do not count against the parser.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

std::size_t parse_times(std::string_view body, ExpositionFormat format, int times) {
  Sink sink;
  std::size_t samples = 0;
  for (int i = 0; i < times; ++i) {
    auto parsed = vitals::parse_exposition(body, format, sink);
    if (!parsed) {
      std::fprintf(stderr, "parse failed: %s\n", parsed.error().message.c_str());
      std::exit(1);
    }
    samples = parsed->samples;
  }
  return samples;
}

Figures measure(std::string_view body, ExpositionFormat format, const Options& options) {
  std::vector<double> mbps;
  std::vector<double> sps;
  const std::size_t allocations_before = g_allocations;
  parse_times(body, format, options.parses);  // warms caches and the allocator too
  const double allocations =
      static_cast<double>(g_allocations - allocations_before) / options.parses;
  for (int run = 0; run < options.runs; ++run) {
    const double start = thread_cpu_seconds();
    const std::size_t samples = parse_times(body, format, options.parses);
    const double seconds = thread_cpu_seconds() - start;
    mbps.push_back(static_cast<double>(body.size()) * options.parses / seconds / 1e6);
    sps.push_back(static_cast<double>(samples) * options.parses / seconds);
  }
  return {median(mbps), median(sps), allocations, *std::max_element(mbps.begin(), mbps.end())};
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const long value = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "--runs") options.runs = static_cast<int>(std::max(1L, value));
    if (flag == "--parses") options.parses = static_cast<int>(std::max(1L, value));
    if (flag == "--series") options.series = static_cast<std::size_t>(std::max(1000L, value));
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  std::printf("%zu series, %d runs of %d parses each; medians of the runs\n\n",
              build_exposition(ExpositionFormat::PrometheusText, options.series).series,
              options.runs, options.parses);
  std::printf(
      "| format          | body     | MB/s   | samples/s  | ns/sample | allocs/parse | best MB/s "
      "|\n");
  std::printf(
      "| --------------- | -------- | ------ | ---------- | --------- | ------------ | --------- "
      "|\n");
  for (const auto& [format, name] : {std::pair{ExpositionFormat::PrometheusText, "text 0.0.4"},
                                     std::pair{ExpositionFormat::OpenMetrics, "OpenMetrics 1.0"}}) {
    const std::string body = build_exposition(format, options.series).body;
    const Figures figures = measure(body, format, options);
    std::printf("| %-15s | %5.2f MB | %6.0f | %10.0f | %9.1f | %12.0f | %9.0f |\n", name,
                static_cast<double>(body.size()) / 1e6, figures.megabytes_per_second,
                figures.samples_per_second, 1e9 / figures.samples_per_second,
                figures.allocations_per_parse, figures.best_megabytes_per_second);
  }
  return 0;
}
