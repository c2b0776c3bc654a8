#include "examples/common/serve.h"

#include <httplib.h>

#include <iostream>

#include "vitals/checkers/http_routes.h"

namespace vitals::examples {
namespace {

// GET /ping answers "pong": what an out-of-band HTTP probe of the service's API checks (SPEC's
// example `card-api` probe expects exactly this).
void mount_ping(httplib::Server& server) {
  server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("pong\n", "text/plain");
  });
}

}  // namespace

void log_status_changes(HealthRegistry& registry, const std::vector<std::string>& checks) {
  auto print = [](const StatusChange& change) {
    std::string line = change.check_name.empty() ? "service" : "check " + change.check_name;
    line += ": " + std::string(to_string(change.from)) + " -> " + std::string(to_string(change.to));
    if (change.error) line += " (" + *change.error + ")";
    // One write per line: changes come from the registry's thread while others print too.
    std::cout << line + "\n" << std::flush;
  };
  registry.on_change("", print);
  for (const std::string& check : checks) registry.on_change(check, print);
}

Result<void> serve(HealthRegistry& registry, const ServiceFlags& flags, FaultSwitchboard& faults,
                   std::function<void(httplib::Server&)> mount) {
  auto server = HealthServer::start(registry, {.host = "127.0.0.1",
                                               .port = flags.port,
                                               .handle_signals = true,
                                               .drain_grace = flags.drain_grace,
                                               .mount = [&](httplib::Server& http) {
                                                 mount_ping(http);
                                                 mount_fault_routes(http, faults);
                                                 if (mount) mount(http);
                                               }});
  if (!server) return tl::unexpected(server.error());
  std::cout << "listening on port " + std::to_string((*server)->port()) + "\n" << std::flush;
  (*server)->wait();
  // Before the service takes anything down: a checker the hang-checker fault holds must return.
  faults.clear_all();
  std::cout << "stopped\n" << std::flush;
  return {};
}

int report_failure(std::string_view program, std::string_view what, const Error& error) {
  std::cerr << std::string(program) + ": " + std::string(what) + ": " + to_string(error) + "\n";
  return 1;
}

}  // namespace vitals::examples
