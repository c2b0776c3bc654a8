#include "alerts/rules/rule_manager.h"

#include <doctest/doctest.h>

#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

using namespace std::chrono_literals;
using vitals::rules::AlertState;
using vitals::rules::DueAlert;
using vitals::rules::RuleManager;
using vitals::testing::advance;

namespace {

constexpr std::string_view kRules = R"(
groups:
  - name: g
    interval: 10s
    rules:
      - alert: Down
        expr: up == 0
        for: 1m
)";

std::int64_t ms(vitals::WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// A window, an event loop and a manager on a fake clock; `up` is 0 from the start.
struct World {
  vitals::testing::FakeClock& clock;
  vitals::EventLoop loop{clock};
  std::unique_ptr<vitals::SampleWindow> window;
  std::unique_ptr<vitals::rules::AlertStateStore> store;
  std::vector<DueAlert> sent;
  std::unique_ptr<RuleManager> manager;

  World(vitals::testing::FakeClock& c, const std::string& store_path,
        std::string_view rules = kRules)
      : clock(c) {
    window = vitals::SampleWindow::create(clock, {.maintenance_interval = {}});
    auto opened = vitals::rules::AlertStateStore::open(store_path);
    REQUIRE_MESSAGE(opened, vitals::testing::why(opened));
    store = std::move(*opened);
    manager = std::make_unique<RuleManager>(
        loop, *window, store.get(), [this](const std::string&, std::vector<DueAlert> alerts) {
          for (DueAlert& due : alerts) sent.push_back(std::move(due));
        });
    auto groups = vitals::rules::parse_rule_file(rules, "rules.yml");
    REQUIRE_MESSAGE(groups, vitals::testing::why(groups));
    manager->apply(std::move(*groups), {});
  }

  // Keeps `up` at `value` every second for `d`, running the rules as their times come.
  void run(std::chrono::seconds d, double value = 0) {
    for (auto s = 0s; s < d; s += 1s) {
      set_up(value);
      advance(clock, loop, 1s);
    }
  }
  void set_up(double value) {
    auto ref = window->get_or_create({{"__name__", "up"}, {"job", "api"}});
    REQUIRE(ref);
    window->append(*ref, ms(clock.wall_now()), value);
  }
  std::uint64_t evaluations(std::size_t group) { return manager->status().at(group)->evaluations; }
  vitals::rules::Alert alert() {
    auto status = manager->status();
    REQUIRE(status.size() == 1);
    REQUIRE(status[0]->rules.size() == 1);
    REQUIRE(status[0]->rules[0].alerts.size() == 1);
    return status[0]->rules[0].alerts[0];
  }
};

}  // namespace

TEST_CASE("groups run at their interval on times aligned to it") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  World w(clock, dir.file("alerts.db"));
  w.run(35s);
  auto status = w.manager->status();
  REQUIRE(status.size() == 1);
  const std::int64_t last = status[0]->last_evaluation_ms;
  CHECK(last > ms(clock.wall_now()) - 10'000);
  w.run(10s);
  CHECK(w.manager->status()[0]->last_evaluation_ms == last + 10'000);
}

TEST_CASE("a group that falls behind skips the missed times and counts them") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  World w(clock, dir.file("alerts.db"));
  w.run(15s);
  auto before = w.manager->status()[0];
  CHECK(before->iterations_missed == 0);
  clock.advance(35s);  // the loop was busy: the next evaluation runs 25-35 s late
  w.loop.run_until_idle();
  auto after = w.manager->status()[0];
  CHECK(after->evaluations == before->evaluations + 1);
  CHECK(after->iterations_missed >= 2);
  CHECK(after->iterations_missed <= 3);
  w.run(10s);  // back on schedule: one evaluation, nothing more missed
  CHECK(w.manager->status()[0]->evaluations == after->evaluations + 1);
  CHECK(w.manager->status()[0]->iterations_missed == after->iterations_missed);
}

TEST_CASE(
    "a pending alert keeps its pending-since, and a firing one keeps firing, across a "
    "restart on the same store") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  std::int64_t active_at = 0;
  {
    World w(clock, dir.file("alerts.db"));
    w.run(30s);
    auto alert = w.alert();
    CHECK(alert.state == AlertState::Pending);
    active_at = alert.active_at_ms;
  }
  {
    World again(clock, dir.file("alerts.db"));
    again.run(11s);
    auto alert = again.alert();
    CHECK(alert.state == AlertState::Pending);
    CHECK(alert.active_at_ms == active_at);
    again.run(40s);
    CHECK(again.alert().state == AlertState::Firing);
    REQUIRE(again.sent.size() == 1);
  }
  World third(clock, dir.file("alerts.db"));
  third.run(11s);
  auto alert = third.alert();
  CHECK(alert.state == AlertState::Firing);
  CHECK(alert.active_at_ms == active_at);
  // Handed to the notifier again as the group is restored (its groups died with the process;
  // its log keeps receivers from being paged twice), as it was, and only once.
  REQUIRE(third.sent.size() == 1);
  CHECK(third.sent[0].alert.state == AlertState::Firing);
  CHECK(third.sent[0].alert.active_at_ms == active_at);
  third.run(11s);
  CHECK(third.sent.size() == 1);
}

namespace {

constexpr std::string_view kEarlyRules = R"(
groups:
  - name: reads-up
    interval: 1h
    rules:
      - alert: Down
        expr: up == 0
  - name: reads-other
    interval: 1h
    rules:
      - alert: OtherDown
        expr: other == 0
  - name: waits-for-late-samples
    interval: 1h
    query_offset: 5s
    rules:
      - alert: DownLater
        expr: up == 0 or late == 0
)";

}  // namespace

TEST_CASE("a group reading samples that just landed evaluates at once, not at its next tick") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  World w(clock, dir.file("alerts.db"), kEarlyRules);
  w.run(12s, 1);
  const std::uint64_t reads_up = w.evaluations(0);
  const std::uint64_t reads_other = w.evaluations(1);
  const std::uint64_t offset = w.evaluations(2);
  REQUIRE(w.sent.empty());

  w.set_up(0);
  const std::string up[] = {"up"};
  w.manager->data_landed(up);
  w.loop.run_until_idle();  // no time passes
  CHECK(w.evaluations(0) == reads_up + 1);
  CHECK(w.manager->status()[0]->last_evaluation_ms == ms(clock.wall_now()));
  REQUIRE(w.sent.size() == 1);
  CHECK(w.sent[0].alert.labels == vitals::LabelPairs{{"alertname", "Down"}, {"job", "api"}});
  CHECK(w.evaluations(1) == reads_other);  // it reads nothing that landed
  CHECK(w.evaluations(2) == offset);       // its query time is 5 s back: nothing new there yet

  // What the manager asks callers to report: no name only an offset group reads.
  const std::string late[] = {"late"};
  const std::string other[] = {"other"};
  REQUIRE(w.manager->early_reads());
  CHECK(w.manager->early_reads()->any_of(up));
  CHECK(w.manager->early_reads()->any_of(other));
  CHECK_FALSE(w.manager->early_reads()->any_of(late));

  // Landings right after are taken together: early evaluations are at least a second apart.
  w.manager->data_landed(up);
  w.manager->data_landed(up);
  w.loop.run_until_idle();
  CHECK(w.evaluations(0) == reads_up + 1);
  clock.advance(1s);
  w.loop.run_until_idle();
  CHECK(w.evaluations(0) == reads_up + 2);
}
