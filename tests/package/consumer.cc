// Registers one checker through the installed package and prints the health metrics once the
// check has run: proof that find_package(vitals) gives a working vitals::checkers.
#include <future>
#include <iostream>

#include <vitals/checkers/health_registry.h>

int main() {
  vitals::HealthRegistry registry({.service = "consumer"});
  std::promise<void> ran;
  registry.on_change("ping", [&](const vitals::StatusChange&) { ran.set_value(); });
  auto added =
      registry.add("ping", [](const vitals::CheckContext&) { return vitals::CheckResult::ok(); });
  if (!added) return 1;
  ran.get_future().wait();
  std::cout << registry.render_metrics();
  return 0;
}
