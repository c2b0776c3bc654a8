// GET /federate?match[]=SELECTOR… : the newest sample of every series a selector matches, in the
// text exposition format 0.0.4 with its timestamp, as Prometheus' own /federate answers. So a
// Prometheus above a fleet of agents can pull what only the agents hold — recording rules'
// outputs, ALERTS, the business metrics they scrape — with `honor_labels: true`
// (docs/scaling.md). As in Prometheus: a series whose newest sample is older than the 5-minute
// lookback, or is a stale marker, is left out; the agent's external labels are added to series
// that lack them; each metric name gets an `untyped` TYPE line, since the window keeps no types.
#include <algorithm>
#include <string>
#include <vector>

#include <httplib.h>

#include "agent/expose/exposition.h"
#include "agent/store/series_selector.h"
#include "agent/store/xor_chunk.h"
#include "agent/web/routes.h"
#include "alerts/notify/rule_alerts.h"
#include "alerts/promql/engine.h"

namespace vitals::detail {
namespace {

using httplib::Request;
using httplib::Response;

// As far back as an instant selector looks.
const std::int64_t kLookbackMs = promql::EngineOptions{}.lookback_ms;

struct FederatedSample {
  std::string name;
  LabelPairs labels;  // without __name__, external labels added, sorted
  SamplePoint point;

  bool operator<(const FederatedSample& other) const {
    return std::tie(name, labels) < std::tie(other.name, other.labels);
  }
};

// The series' newest live sample within the lookback, named and labelled for the exposition.
std::optional<FederatedSample> federated(const SampleWindow& window, SeriesRef ref,
                                         std::int64_t now_ms,
                                         const notify::ExternalLabels& external) {
  std::optional<SamplePoint> point = window.latest(ref, now_ms - kLookbackMs);
  if (!point || is_stale_nan(point->value)) return std::nullopt;
  FederatedSample sample{.name = "", .labels = {}, .point = *point};
  LabelPairs own;
  for (LabelPair& label : window.labels(ref)) {
    if (label.name == "__name__") {
      sample.name = std::move(label.value);
    } else {
      own.push_back(std::move(label));
    }
  }
  if (sample.name.empty()) return std::nullopt;
  sample.labels = notify::with_external_labels(std::move(own), external);
  return sample;
}

std::string render(const std::vector<FederatedSample>& samples) {
  std::string text;
  const std::string* family = nullptr;
  for (const FederatedSample& sample : samples) {
    if (family == nullptr || *family != sample.name) {
      text += "# TYPE " + sample.name + " untyped\n";
      family = &sample.name;
    }
    text += sample.name;
    if (!sample.labels.empty()) {
      char separator = '{';
      for (const LabelPair& label : sample.labels) {
        text += separator + label.name + "=\"" + escape_label_value(label.value) + "\"";
        separator = ',';
      }
      text += '}';
    }
    text += ' ' + format_sample_value(sample.point.value) + ' ' +
            std::to_string(sample.point.t_ms) + '\n';
  }
  return text;
}

void serve_federate(const WebHandlers& handlers, const Request& request, Response& response) {
  if (handlers.window == nullptr) {
    return write_error(request, response, 503, "unavailable", "this agent keeps no samples");
  }
  auto refs = series_matching(*handlers.window, request);
  if (!refs) return write_error(request, response, 400, "bad_data", refs.error().message);
  const Clock& clock = handlers.clock != nullptr ? *handlers.clock : real_clock();
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.wall_now().time_since_epoch())
          .count();
  const notify::ExternalLabels external =
      handlers.external_labels ? handlers.external_labels() : notify::ExternalLabels{};
  std::vector<FederatedSample> samples;
  for (SeriesRef ref : *refs) {
    if (auto sample = federated(*handlers.window, ref, now_ms, external)) {
      samples.push_back(std::move(*sample));
    }
  }
  std::sort(samples.begin(), samples.end());
  response.set_content(render(samples), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

void mount_federate_routes(httplib::Server& server, const WebHandlers& handlers) {
  server.Get("/federate", guarded([&handlers](const Request& request, Response& response) {
               serve_federate(handlers, request, response);
             }));
}

}  // namespace vitals::detail
