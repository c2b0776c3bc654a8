// A dispatcher on a fake clock for the dispatcher's tests: the notifications it makes are
// collected in `sent` (or refused while `refuse` is set), its configuration comes from an
// `alerting:` YAML section, and its dependency check reads `down` (alerts labelled
// depends_on=<a name in down> are suppressed).
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/config/load_config.h"
#include "alerts/notify/dispatcher.h"
#include "alerts/notify/fingerprint.h"
#include "tests/support/fake_clock.h"
#include "tests/support/why.h"

namespace vitals::notify::testing {

using namespace std::chrono_literals;

inline std::int64_t ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The dispatcher's configuration from an `alerting:` section (indented two spaces under it).
inline DispatcherConfig dispatcher_config(const std::string& alerting_yaml) {
  auto config = parse_config("alerting:\n" + alerting_yaml, "vitals.yml");
  REQUIRE_MESSAGE(config, vitals::testing::why(config));
  REQUIRE(config->alerting.route);
  return DispatcherConfig{.route = resolve_route_tree(*config->alerting.route),
                          .inhibit_rules = config->alerting.inhibit_rules,
                          .receivers = config->alerting.receivers};
}

struct World {
  vitals::testing::FakeClock& clock;
  EventLoop loop{clock};
  std::unique_ptr<NotificationLog> log;
  std::unique_ptr<SilenceStore> silences;
  std::set<std::string> down;  // services whose dependents are suppressed
  std::vector<Notification> sent;
  bool refuse{false};  // the sink refuses notifications, as a full disk would
  std::unique_ptr<Dispatcher> dispatcher;

  World(vitals::testing::FakeClock& c, const std::string& alerting_yaml,
        const std::string& log_path = ":memory:", const std::string& silence_path = ":memory:")
      : clock(c) {
    auto opened = NotificationLog::open(log_path, ms(clock.wall_now()));
    REQUIRE_MESSAGE(opened, vitals::testing::why(opened));
    log = std::move(*opened);
    auto store = SilenceStore::open(silence_path, clock);
    REQUIRE_MESSAGE(store, vitals::testing::why(store));
    silences = std::move(*store);
    auto made = Dispatcher::create(
        loop, dispatcher_config(alerting_yaml),
        [this](Notification n) -> Result<void> {
          if (refuse) return make_error(ErrorCode::Unavailable, "outbox full");
          sent.push_back(std::move(n));
          return {};
        },
        *log, silences.get(),
        [this](const LabelPairs& labels) -> std::optional<std::string> {
          std::string depends_on(label_value(labels, "depends_on"));
          if (down.contains(depends_on)) return "depends on " + depends_on + ", which is down";
          return std::nullopt;
        });
    REQUIRE_MESSAGE(made, vitals::testing::why(made));
    dispatcher = std::move(*made);
  }
  ~World() { dispatcher.reset(); }

  std::int64_t now() const { return ms(clock.wall_now()); }
  void advance(Duration d) { vitals::testing::advance(clock, loop, d); }

  // A firing alert that started now (or at `starts_at_ms`), with no known end.
  AlertUpdate firing(LabelPairs labels, std::optional<std::int64_t> starts_at_ms = {}) const {
    return AlertUpdate{.labels = std::move(labels),
                       .annotations = {{"summary", "something broke"}},
                       .starts_at_ms = starts_at_ms.value_or(now()),
                       .generator_url = "http://agent/graph"};
  }
  AlertUpdate resolved(LabelPairs labels, std::int64_t starts_at_ms) const {
    return AlertUpdate{.labels = std::move(labels),
                       .starts_at_ms = starts_at_ms,
                       .ends_at_ms = now(),
                       .resolved = true};
  }
  void send(std::vector<AlertUpdate> alerts) {
    dispatcher->receive(alerts);
    loop.run_until_idle();
  }
  // The alertnames of one notification, as "Name" or "Name(resolved)", in its order.
  static std::vector<std::string> names(const Notification& n) {
    std::vector<std::string> out;
    for (const NotifiedAlert& a : n.alerts) {
      out.push_back(std::string(label_value(a.labels, "alertname")) +
                    (a.firing ? "" : "(resolved)"));
    }
    return out;
  }
  std::vector<std::string> take_names() {
    REQUIRE_MESSAGE(sent.size() == 1, "notifications: " << sent.size());
    auto out = names(sent[0]);
    sent.clear();
    return out;
  }
};

}  // namespace vitals::notify::testing
