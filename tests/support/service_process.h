// A service binary the tests start on a free loopback port: it prints the line it listens by
// ("listening on port N", or checkers-example's "listening on http://127.0.0.1:N"), and the test
// reads the port from it. The Process stops the service however the test case ends.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/process.h"
#include "tests/support/why.h"

namespace vitals::testing {

// The number after `prefix` at the end of `line`, e.g. the port in "listening on port 8080".
inline int port_after(const std::string& line, std::string_view prefix) {
  std::size_t at = line.find(prefix);
  REQUIRE_MESSAGE(at != std::string::npos, "no \"" << prefix << "\" in: " << line);
  std::string_view digits = std::string_view(line).substr(at + prefix.size());
  int port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  REQUIRE_MESSAGE((ec == std::errc() && end == digits.data() + digits.size() && port > 0),
                  "no port in: " << line);
  return port;
}

struct ServiceProcess {
  Process process;
  int port = 0;

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
  }
};

// Starts `binary` with `args` (which choose port 0) and waits for its `listening` line.
inline ServiceProcess start_service_process(const std::string& binary,
                                            const std::vector<std::string>& args, Duration timeout,
                                            std::string_view listening = "listening on port ") {
  auto process = Process::spawn(binary, args);
  REQUIRE_MESSAGE(process, why(process));
  auto line = process->wait_for_line(listening, timeout);
  REQUIRE_MESSAGE(line, why(line));
  int port = port_after(*line, listening);
  return ServiceProcess{std::move(*process), port};
}

}  // namespace vitals::testing
