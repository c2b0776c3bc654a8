// card-service: the demo world's card payments. It authorises simulated card payments at a
// Poisson rate, keeps them in a SQLite file, exports card_authorisations_total and
// card_authorisation_duration_seconds, tells the feed service about approved payments, and
// serves its checkers and fault switches on 127.0.0.1. See examples/README.md.
#include <prometheus/registry.h>

#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "examples/card-service/card_checks.h"
#include "examples/card-service/card_database.h"
#include "examples/card-service/card_faults.h"
#include "examples/card-service/event_sender.h"
#include "examples/card-service/traffic.h"
#include "examples/common/fault_switchboard.h"
#include "examples/common/flags.h"
#include "examples/common/serve.h"

namespace vitals::examples {
namespace {

constexpr std::string_view kUsage =
    "usage: card-service [--port 8081] [--feed-url http://127.0.0.1:8082]\n"
    "                    [--db card-service.db] [--rate 20] [--check-interval 1s]\n"
    "                    [--heartbeat-window 30s] [--details-token T] [--drain-grace 5s]\n";

struct CardFlags {
  ServiceFlags service{.port = 8081};
  std::string feed_url = "http://127.0.0.1:8082";
  std::string db = "card-service.db";
  double rate = 20;  // authorisations per second
};

std::vector<Fault> card_faults(DatabaseLock& lock) {
  return {
      {std::string(card_fault::kDeclineSpike), "about 60% of authorisations are declined"},
      {std::string(card_fault::kDbDown),
       "another connection locks the SQLite file: writes and the database check fail",
       [&lock](bool on) {
         if (on) return lock.take();
         lock.release();
         return Result<void>();
       }},
      {std::string(card_fault::kHangChecker), "the risk-engine check hangs past its timeout"},
      {std::string(card_fault::kStopTraffic), "no authorisations at all"},
      {std::string(card_fault::kErrorBurst), "about half of the authorisations end in error"},
  };
}

int fail(std::string_view what, const Error& error) {
  return report_failure("card-service", what, error);
}

int run(const CardFlags& flags) {
  auto store = AuthorisationStore::open(flags.db);
  if (!store) return fail("database", store.error());
  DatabaseLock db_lock(flags.db);
  FaultSwitchboard faults(card_faults(db_lock));
  auto metrics = std::make_shared<prometheus::Registry>();
  auto heartbeat = std::make_shared<Heartbeat>();

  HealthRegistry registry({.service = "card-service",
                           .details_token = flags.service.details_token,
                           .metrics = metrics});
  log_status_changes(registry, card_check_names());
  auto added = add_card_checks(registry, {.db_path = flags.db,
                                          .feed_url = flags.feed_url,
                                          .authorisations = heartbeat,
                                          .faults = &faults,
                                          .interval = flags.service.check_interval,
                                          .heartbeat_window = flags.service.heartbeat_window});
  if (!added) return fail("checks", added.error());

  EventSender sender(flags.feed_url, *metrics);
  Traffic traffic(flags.rate, {.faults = faults,
                               .store = *store,
                               .heartbeat = *heartbeat,
                               .sender = sender,
                               .metrics = CardMetrics::create(*metrics)});
  auto served = serve(registry, flags.service, faults);
  return served ? 0 : fail("serve", served.error());
}

}  // namespace
}  // namespace vitals::examples

int main(int argc, char** argv) {
  vitals::examples::CardFlags flags;
  vitals::examples::FlagSet set;
  flags.service.add_to(set);
  set.add("--feed-url", &flags.feed_url);
  set.add("--db", &flags.db);
  set.add("--rate", &flags.rate);
  if (auto parsed = set.parse(argc, argv); !parsed) {
    std::cerr << "card-service: " << vitals::to_string(parsed.error()) << "\n"
              << vitals::examples::kUsage;
    return 2;
  }
  while (flags.feed_url.ends_with('/')) flags.feed_url.pop_back();
  return vitals::examples::run(flags);
}
