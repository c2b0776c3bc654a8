#include "vitals/checkers/health_registry.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <stdexcept>

#include <prometheus/counter.h>

#include "check_runner.h"
#include "tests/support/fake_clock.h"
#include "tests/support/inline_executor.h"
#include "vitals/common/event_loop.h"
#include "vitals/common/thread_pool.h"

using namespace std::chrono_literals;
using vitals::CheckOptions;
using vitals::CheckResult;
using vitals::CheckStatus;
using vitals::HealthRegistry;

namespace {

// A registry on a fake clock whose checkers run inline when the loop fires them.
struct Fixture {
  vitals::testing::FakeClock clock;
  vitals::EventLoop loop{clock};
  vitals::testing::InlineExecutor inline_executor;
  HealthRegistry registry{vitals::RegistryOptions{
      .service = "card-service", .clock = &clock, .loop = &loop, .executor = &inline_executor}};

  void advance(vitals::Duration d) { vitals::testing::advance(clock, loop, d); }
  const vitals::CheckState& check(const std::string& name) {
    snapshot = registry.snapshot();
    for (const auto& c : snapshot->checks) {
      if (c.name == name) return c;
    }
    FAIL("no check named ", name);
    throw std::logic_error("unreachable");
  }
  std::shared_ptr<const vitals::HealthSnapshot> snapshot;
};

// A checker whose outcome the test switches.
struct Switch {
  std::shared_ptr<std::atomic<bool>> failing = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<int>> runs = std::make_shared<std::atomic<int>>(0);
  vitals::Checker checker() const {
    return [failing = failing, runs = runs](const vitals::CheckContext&) {
      ++*runs;
      return *failing ? CheckResult::fail("db down", {{"host", "db1"}}) : CheckResult::ok();
    };
  }
};

CheckOptions every_second() {
  return CheckOptions{.interval = 1s, .timeout = 500ms};
}

}  // namespace

TEST_CASE("a check is unknown until its first run, which decides its status at once") {
  Fixture f;
  Switch db;
  REQUIRE(f.registry.add("db", db.checker(), every_second()));
  CHECK(f.check("db").status == CheckStatus::Unknown);
  CHECK(f.registry.snapshot()->status() == CheckStatus::Healthy);
  f.advance(0s);
  CHECK(*db.runs == 1);
  CHECK(f.check("db").status == CheckStatus::Healthy);
  CHECK(f.check("db").last_success.has_value());
}

TEST_CASE("checks run on their interval after their initial delay") {
  Fixture f;
  Switch db;
  auto options = every_second();
  options.initial_delay = 10s;
  REQUIRE(f.registry.add("db", db.checker(), options));
  f.advance(9s);
  CHECK(*db.runs == 0);
  f.advance(1s);
  CHECK(*db.runs == 1);
  f.advance(10min);
  CHECK(*db.runs == 601);
}

TEST_CASE("a check turns unhealthy only after failures_before_unhealthy failures in a row") {
  Fixture f;
  Switch db;
  auto options = every_second();
  options.failures_before_unhealthy = 3;
  options.successes_before_healthy = 2;
  REQUIRE(f.registry.add("db", db.checker(), options));
  f.advance(0s);
  REQUIRE(f.check("db").status == CheckStatus::Healthy);

  *db.failing = true;
  f.advance(1s);
  f.advance(1s);
  CHECK(f.check("db").status == CheckStatus::Healthy);
  CHECK(f.check("db").consecutive_failures == 2);
  CHECK(f.check("db").error == "db down");  // the latest error shows before the threshold
  f.advance(1s);
  CHECK(f.check("db").status == CheckStatus::Unhealthy);

  *db.failing = false;
  f.advance(1s);
  CHECK(f.check("db").status == CheckStatus::Unhealthy);
  f.advance(1s);
  CHECK(f.check("db").status == CheckStatus::Healthy);
  CHECK(f.check("db").consecutive_failures == 0);
}

TEST_CASE("a failing non-critical check degrades the service, a critical one makes it unhealthy") {
  Fixture f;
  Switch cache;
  Switch db;
  auto optional = every_second();
  optional.critical = false;
  REQUIRE(f.registry.add("cache", cache.checker(), optional));
  REQUIRE(f.registry.add("db", db.checker(), every_second()));
  *cache.failing = true;
  f.advance(0s);
  CHECK(f.check("cache").status == CheckStatus::Degraded);
  CHECK(f.registry.snapshot()->status() == CheckStatus::Degraded);
  *db.failing = true;
  f.advance(1s);
  CHECK(f.registry.snapshot()->status() == CheckStatus::Unhealthy);
}

TEST_CASE("a checker that throws reports the exception's text as its error") {
  Fixture f;
  REQUIRE(f.registry.add(
      "ledger",
      [](const vitals::CheckContext&) -> CheckResult { throw std::runtime_error("boom"); },
      every_second()));
  f.advance(0s);
  CHECK(f.check("ledger").status == CheckStatus::Unhealthy);
  CHECK(f.check("ledger").error == "boom");
}

TEST_CASE("secret metadata keys are dropped as soon as the checker returns") {
  Fixture f;
  auto options = every_second();
  options.secret_metadata_keys = {"dsn"};
  REQUIRE(f.registry.add(
      "db",
      [](const vitals::CheckContext&) {
        return CheckResult::ok({{"dsn", "postgres://u:hunter2@db"}, {"pool", "4"}});
      },
      options));
  f.advance(0s);
  CHECK(f.check("db").metadata == std::map<std::string, std::string>{{"pool", "4"}});
}

TEST_CASE("invalid registrations are refused with a reason") {
  Fixture f;
  Switch s;
  REQUIRE(f.registry.add("db", s.checker(), every_second()));
  auto duplicate = f.registry.add("db", s.checker(), every_second());
  REQUIRE_FALSE(duplicate);
  CHECK(duplicate.error().message.find("already registered") != std::string::npos);
  CHECK_FALSE(f.registry.add("", s.checker(), every_second()));
  CHECK_FALSE(f.registry.add("x", s.checker(), CheckOptions{.interval = 0s}));
  CHECK_FALSE(f.registry.add("y", s.checker(), CheckOptions{.failures_before_unhealthy = 0}));
}

TEST_CASE(
    "readiness needs every ready-tagged check known and not unhealthy; liveness ignores unknown") {
  Fixture f;
  Switch db;
  Switch loop_alive;
  auto ready = every_second();
  ready.tags = {"ready"};
  ready.initial_delay = 5s;
  auto live = every_second();
  live.tags = {"live"};
  REQUIRE(f.registry.add("db", db.checker(), ready));
  REQUIRE(f.registry.add("loop", loop_alive.checker(), live));
  f.advance(0s);
  CHECK(f.registry.snapshot()->live());
  CHECK_FALSE(f.registry.snapshot()->ready());  // db is still unknown
  f.advance(5s);
  CHECK(f.registry.snapshot()->ready());
  *db.failing = true;
  f.advance(1s);
  CHECK_FALSE(f.registry.snapshot()->ready());
  CHECK(f.registry.snapshot()->live());
  *loop_alive.failing = true;
  f.advance(1s);
  CHECK_FALSE(f.registry.snapshot()->live());
}

TEST_CASE("draining makes the service unready while it stays live") {
  Fixture f;
  Switch db;
  REQUIRE(f.registry.add("db", db.checker(), every_second()));
  f.advance(0s);
  REQUIRE(f.registry.snapshot()->ready());
  f.registry.drain();
  CHECK(f.registry.draining());
  CHECK_FALSE(f.registry.snapshot()->ready());
  CHECK(f.registry.snapshot()->live());
  CHECK(f.registry.snapshot()->status() == CheckStatus::Healthy);
}

TEST_CASE("listeners hear each status change of their check and of the service, once") {
  Fixture f;
  Switch db;
  std::vector<vitals::StatusChange> db_changes;
  std::vector<vitals::StatusChange> service_changes;
  f.registry.on_change("db", [&](const vitals::StatusChange& c) { db_changes.push_back(c); });
  auto id = f.registry.on_change(
      "", [&](const vitals::StatusChange& c) { service_changes.push_back(c); });
  REQUIRE(f.registry.add("db", db.checker(), every_second()));
  f.advance(0s);
  *db.failing = true;
  f.advance(3s);  // three failing runs, one change

  REQUIRE(db_changes.size() == 2);
  CHECK(db_changes[0].from == CheckStatus::Unknown);
  CHECK(db_changes[0].to == CheckStatus::Healthy);
  CHECK(db_changes[1].to == CheckStatus::Unhealthy);
  CHECK(db_changes[1].error == "db down");
  REQUIRE(service_changes.size() == 1);
  CHECK(service_changes[0].from == CheckStatus::Healthy);
  CHECK(service_changes[0].to == CheckStatus::Unhealthy);

  f.registry.remove_listener(id);
  *db.failing = false;
  f.advance(1s);
  CHECK(db_changes.size() == 3);
  CHECK(service_changes.size() == 1);
}

TEST_CASE("the thresholds' state machine") {
  using vitals::detail::next_status;
  CheckOptions critical{.failures_before_unhealthy = 2, .successes_before_healthy = 2};
  CheckOptions optional = critical;
  optional.critical = false;
  vitals::CheckState one_failure{.consecutive_failures = 1};
  vitals::CheckState two_failures{.consecutive_failures = 2};
  vitals::CheckState one_success{.consecutive_successes = 1};
  vitals::CheckState two_successes{.consecutive_successes = 2};
  CHECK(next_status(CheckStatus::Unknown, false, one_failure, critical) == CheckStatus::Unhealthy);
  CHECK(next_status(CheckStatus::Unknown, false, one_failure, optional) == CheckStatus::Degraded);
  CHECK(next_status(CheckStatus::Unknown, true, one_success, critical) == CheckStatus::Healthy);
  CHECK(next_status(CheckStatus::Healthy, false, one_failure, critical) == CheckStatus::Healthy);
  CHECK(next_status(CheckStatus::Healthy, false, two_failures, critical) == CheckStatus::Unhealthy);
  CHECK(next_status(CheckStatus::Unhealthy, true, one_success, critical) == CheckStatus::Unhealthy);
  CHECK(next_status(CheckStatus::Unhealthy, true, two_successes, critical) == CheckStatus::Healthy);
  CHECK(next_status(CheckStatus::Degraded, true, two_successes, optional) == CheckStatus::Healthy);
}

// The pool is real here: the hung checker occupies a real thread while the fake clock passes
// its deadline. What the checker touches is shared, so a failed assertion cannot leave it
// pointing at a dead stack frame.
TEST_CASE("a hung checker times out at its deadline without blocking the others") {
  vitals::testing::FakeClock clock;
  vitals::EventLoop loop(clock);
  vitals::ThreadPool pool(1, 4);
  HealthRegistry registry(
      vitals::RegistryOptions{.service = "svc", .clock = &clock, .loop = &loop, .executor = &pool});
  struct Gate {
    std::promise<void> release;
    std::shared_future<void> opened = release.get_future().share();
    std::atomic<int> runs = 0;
  };
  auto gate = std::make_shared<Gate>();
  REQUIRE(registry.add(
      "hung",
      [gate](const vitals::CheckContext&) {
        ++gate->runs;
        gate->opened.wait();
        return CheckResult::ok();
      },
      CheckOptions{.interval = 10s, .timeout = 1s}));
  REQUIRE(registry.add(
      "quick", [](const vitals::CheckContext&) { return CheckResult::ok(); },
      CheckOptions{.interval = 1h, .timeout = 1s}));
  auto find = [&](const std::string& name) {
    for (const auto& c : registry.snapshot()->checks) {
      if (c.name == name) return c;
    }
    throw std::logic_error("missing " + name);
  };
  auto status_of = [&](const std::string& name) { return find(name).status; };

  // quick's result arrives while hung is stuck.
  REQUIRE(loop.run_until([&] { return status_of("quick") == CheckStatus::Healthy; }, 5s));
  CHECK(status_of("hung") == CheckStatus::Unknown);

  vitals::testing::advance(clock, loop, 1s);
  CHECK(status_of("hung") == CheckStatus::Unhealthy);
  CHECK(find("hung").error == "timeout after 1s");
  CHECK(registry.render_metrics().find("vitals_checkers_stuck_threads 1") != std::string::npos);

  // Still stuck at its next interval: no second thread is spent on it.
  vitals::testing::advance(clock, loop, 10s);
  CHECK(gate->runs == 1);

  gate->release.set_value();
  auto unstuck = [&] {
    return registry.render_metrics().find("vitals_checkers_stuck_threads 0") != std::string::npos;
  };
  REQUIRE(loop.run_until(unstuck, 5s));
  // The next run goes ahead at 20 s; stop short of its deadline at 21 s while it finishes.
  vitals::testing::advance(clock, loop, 9500ms);
  REQUIRE(loop.run_until([&] { return status_of("hung") == CheckStatus::Healthy; }, 5s));
  CHECK(gate->runs == 2);
}

TEST_CASE("the registry's metrics carry each check's state beside the service's own metrics") {
  auto metrics = std::make_shared<prometheus::Registry>();
  auto& orders = prometheus::BuildCounter().Name("orders_total").Help("Orders.").Register(*metrics);
  orders.Add({}).Increment(3);
  vitals::testing::FakeClock clock;
  vitals::EventLoop loop(clock);
  vitals::testing::InlineExecutor inline_executor;
  HealthRegistry registry(vitals::RegistryOptions{
      .metrics = metrics, .clock = &clock, .loop = &loop, .executor = &inline_executor});
  REQUIRE(registry.add(
      "db", [](const vitals::CheckContext&) { return CheckResult::fail("x"); }, every_second()));
  vitals::testing::advance(clock, loop, 0s);
  std::string text = registry.render_metrics();
  CHECK(text.find("vitals_check_up{check=\"db\"} 0") != std::string::npos);
  CHECK(text.find("vitals_check_consecutive_failures{check=\"db\"} 1") != std::string::npos);
  CHECK(text.find("vitals_check_duration_seconds{check=\"db\"}") != std::string::npos);
  CHECK(text.find("orders_total 3") != std::string::npos);
}

TEST_CASE("details are granted only for the exact bearer token, or to all when configured") {
  HealthRegistry guarded(vitals::RegistryOptions{.details_token = "s3cret"});
  CHECK(guarded.details_allowed("Bearer s3cret"));
  CHECK_FALSE(guarded.details_allowed("Bearer s3cre"));
  CHECK_FALSE(guarded.details_allowed("Bearer s3cretX"));
  CHECK_FALSE(guarded.details_allowed("s3cret"));
  CHECK_FALSE(guarded.details_allowed(""));
  HealthRegistry tokenless(vitals::RegistryOptions{});
  CHECK_FALSE(tokenless.details_allowed("Bearer "));
  HealthRegistry open(vitals::RegistryOptions{.show_details_always = true});
  CHECK(open.details_allowed(""));
}

TEST_CASE("a scraper's deadline caps the checkers' timeouts from their next run on") {
  vitals::testing::FakeClock clock;
  vitals::EventLoop loop(clock);
  vitals::ThreadPool pool(1, 2);
  HealthRegistry registry(
      vitals::RegistryOptions{.service = "svc", .clock = &clock, .loop = &loop, .executor = &pool});
  auto gate = std::make_shared<std::promise<void>>();
  std::shared_future<void> opened = gate->get_future().share();
  REQUIRE(registry.add(
      "slow",
      [opened](const vitals::CheckContext&) {
        opened.wait();
        return CheckResult::ok();
      },
      CheckOptions{.interval = 1min, .timeout = 30s, .initial_delay = 1s}));
  registry.cap_timeouts(2s);
  vitals::testing::advance(clock, loop, 3s);  // started at 1 s, capped deadline at 3 s
  auto state = registry.snapshot()->checks.at(0);
  CHECK(state.error == "timeout after 2s");
  gate->set_value();
  // The released checker finishes on the pool's thread: let it, before the loop it reports to
  // and the registry go away.
  CHECK(pool.drain(5s));
}
