// checkers-example: the smallest service built on the checkers library, written as a user would.
// It registers a few checkers and one business counter, serves /health, /livez, /readyz,
// /metrics and POST /order on 127.0.0.1, logs status changes, and drains on SIGTERM. A few
// flags add the hard cases (a hung, a failing, a throwing and a degraded checker) for the
// integration test and the benchmark.
#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <charconv>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "vitals/checkers/health_registry.h"
#include "vitals/checkers/http_routes.h"
#include "vitals/common/duration.h"

namespace vitals {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kUsage =
    "usage: checkers-example [--port N] [--interval D] [--drain-grace D] [--details-token T]\n"
    "                        [--hang] [--fail] [--throw] [--degrade] [--extra-checks N]\n";

struct Flags {
  int port = 0;  // 0: any free port, printed once serving
  Duration interval = 1s;
  Duration drain_grace = 5s;
  std::string details_token;
  bool hang = false;     // a critical checker that never returns
  bool fail = false;     // a critical checker that always fails, with metadata
  bool throws = false;   // a critical checker that throws
  bool degrade = false;  // a non-critical checker that always fails
  int extra_checks = 0;  // cheap passing checkers, for the benchmark
};

Result<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return make_error(ErrorCode::InvalidArgument,
                      "not a non-negative integer: " + std::string(text));
  }
  return value;
}

// Sets one flag that takes a value.
Result<void> set_flag(Flags& flags, std::string_view name, std::string_view value) {
  auto store_int = [&](int& field) -> Result<void> {
    auto parsed = parse_int(value);
    if (!parsed) return tl::unexpected(parsed.error());
    field = *parsed;
    return {};
  };
  auto store_duration = [&](Duration& field) -> Result<void> {
    auto parsed = parse_duration(value);
    if (!parsed) return tl::unexpected(parsed.error());
    field = *parsed;
    return {};
  };
  if (name == "--port") return store_int(flags.port);
  if (name == "--extra-checks") return store_int(flags.extra_checks);
  if (name == "--interval") return store_duration(flags.interval);
  if (name == "--drain-grace") return store_duration(flags.drain_grace);
  if (name == "--details-token") {
    flags.details_token = value;
    return {};
  }
  return make_error(ErrorCode::InvalidArgument, "unknown flag " + std::string(name));
}

// Sets a flag that takes no value; false when `name` is not one.
bool set_switch(Flags& flags, std::string_view name) {
  static constexpr std::pair<std::string_view, bool Flags::*> kSwitches[] = {
      {"--hang", &Flags::hang},
      {"--fail", &Flags::fail},
      {"--throw", &Flags::throws},
      {"--degrade", &Flags::degrade},
  };
  for (auto [switch_name, field] : kSwitches) {
    if (name != switch_name) continue;
    flags.*field = true;
    return true;
  }
  return false;
}

// Accepts "--name value" and "--name=value".
Result<Flags> parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (set_switch(flags, arg)) continue;
    Result<void> set;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      set = set_flag(flags, arg.substr(0, eq), arg.substr(eq + 1));
    } else if (i + 1 < argc) {
      set = set_flag(flags, arg, argv[++i]);
    } else {
      set = make_error(ErrorCode::InvalidArgument,
                       "unknown flag or missing value: " + std::string(arg));
    }
    if (!set) return tl::unexpected(set.error());
  }
  return flags;
}

// Prints each status change of `name` (empty: the whole service) the way a service would log it.
void log_changes(HealthRegistry& registry, const std::string& name) {
  registry.on_change(name, [](const StatusChange& change) {
    std::string line = change.check_name.empty() ? "service" : "check " + change.check_name;
    line += ": " + std::string(to_string(change.from)) + " -> " + std::string(to_string(change.to));
    if (change.error) line += " (" + *change.error + ")";
    std::cout << line + "\n" << std::flush;
  });
}

Result<void> add_check(HealthRegistry& registry, const std::string& name, Checker checker,
                       CheckOptions options) {
  // Listening first, so not even the first run's change can slip by.
  log_changes(registry, name);
  return registry.add(name, std::move(checker), std::move(options));
}

// The checkers a real service would have: itself, and one reporting business state as metadata.
Result<void> add_ordinary_checks(HealthRegistry& registry, const CheckOptions& base,
                                 const prometheus::Counter& orders) {
  CheckOptions live_and_ready = base;
  live_and_ready.tags = {"live", "ready"};
  auto self = add_check(
      registry, "self", [](const CheckContext&) { return CheckResult::ok(); }, live_and_ready);
  if (!self) return self;

  CheckOptions ready = base;
  ready.tags = {"ready"};
  return add_check(
      registry, "orders",
      [&orders](const CheckContext&) {
        return CheckResult::ok(
            {{"orders_total", std::to_string(static_cast<long long>(orders.Value()))}});
      },
      ready);
}

// Stands for a dependency that never answers. `released` becomes ready only when the service
// stops, so the stuck thread can end before the registry does.
Result<void> add_hang_check(HealthRegistry& registry, const CheckOptions& base,
                            std::shared_future<void> released) {
  return add_check(
      registry, "hang",
      [released](const CheckContext&) {
        released.wait();
        return CheckResult::fail("released at shutdown");
      },
      base);
}

Result<void> add_fail_check(HealthRegistry& registry, const CheckOptions& base) {
  CheckOptions options = base;
  options.tags = {"ready"};
  options.secret_metadata_keys = {"api_key"};  // served to no one, not even with the token
  return add_check(
      registry, "fail",
      [](const CheckContext&) {
        return CheckResult::fail("payments upstream refused the connection",
                                 {{"upstream", "127.0.0.1:9"}, {"api_key", "example-secret"}});
      },
      options);
}

Result<void> add_throw_check(HealthRegistry& registry, const CheckOptions& base) {
  return add_check(
      registry, "throw",
      [](const CheckContext&) -> CheckResult { throw std::runtime_error("checker blew up"); },
      base);
}

Result<void> add_degrade_check(HealthRegistry& registry, const CheckOptions& base) {
  CheckOptions options = base;
  options.critical = false;
  return add_check(
      registry, "degrade",
      [](const CheckContext&) {
        return CheckResult::fail("cache hit ratio below 50%", {{"hit_ratio", "0.42"}});
      },
      options);
}

// The hard cases, switched on by flags.
Result<void> add_fault_checks(HealthRegistry& registry, const Flags& flags,
                              const CheckOptions& base, std::shared_future<void> released) {
  Result<void> added;
  if (flags.hang) added = add_hang_check(registry, base, std::move(released));
  if (added && flags.fail) added = add_fail_check(registry, base);
  if (added && flags.throws) added = add_throw_check(registry, base);
  if (added && flags.degrade) added = add_degrade_check(registry, base);
  return added;
}

Result<void> add_extra_checks(HealthRegistry& registry, int count, const CheckOptions& base) {
  for (int i = 1; i <= count; ++i) {
    auto added = add_check(
        registry, "extra-" + std::to_string(i),
        [](const CheckContext&) { return CheckResult::ok(); }, base);
    if (!added) return added;
  }
  return {};
}

int run(const Flags& flags) {
  auto metrics = std::make_shared<prometheus::Registry>();
  auto& orders = prometheus::BuildCounter()
                     .Name("example_orders_total")
                     .Help("Orders taken by POST /order.")
                     .Register(*metrics)
                     .Add({});

  std::promise<void> stop_hanging;
  HealthRegistry registry(RegistryOptions{
      .service = "checkers-example", .details_token = flags.details_token, .metrics = metrics});
  log_changes(registry, "");
  CheckOptions base;
  base.interval = flags.interval;
  base.timeout = 1s;
  Result<void> added = add_ordinary_checks(registry, base, orders);
  if (added) added = add_fault_checks(registry, flags, base, stop_hanging.get_future().share());
  if (added) added = add_extra_checks(registry, flags.extra_checks, base);
  if (!added) {
    std::cerr << "checkers-example: " << to_string(added.error()) << "\n";
    return 1;
  }

  auto take_orders = [&orders](httplib::Server& http) {
    http.Post("/order", [&orders](const httplib::Request&, httplib::Response& res) {
      orders.Increment();
      res.status = 201;
      res.set_content("ordered\n", "text/plain");
    });
  };
  auto server = HealthServer::start(registry, {.host = "127.0.0.1",
                                               .port = flags.port,
                                               .handle_signals = true,
                                               .drain_grace = flags.drain_grace,
                                               .mount = take_orders});
  if (!server) {
    std::cerr << "checkers-example: " << to_string(server.error()) << "\n";
    return 1;
  }
  // One write per line: checkers already log status changes from the registry's thread.
  std::cout << "listening on http://127.0.0.1:" + std::to_string((*server)->port()) + "\n"
            << std::flush;

  (*server)->wait();  // until SIGTERM or SIGINT, plus the drain grace
  stop_hanging.set_value();
  std::cout << "stopped\n" << std::flush;
  return 0;
}

}  // namespace
}  // namespace vitals

int main(int argc, char** argv) {
  auto flags = vitals::parse_flags(argc, argv);
  if (!flags) {
    std::cerr << "checkers-example: " << vitals::to_string(flags.error()) << "\n" << vitals::kUsage;
    return 2;
  }
  return vitals::run(*flags);
}
