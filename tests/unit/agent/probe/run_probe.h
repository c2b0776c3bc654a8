// Runs one probe to its end on the test's thread, checking the Prober contract on the way:
// `done` runs once, on this thread, no later than the deadline (plus scheduling slack).
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <thread>

#include "agent/probe/prober.h"

namespace vitals::testing {

inline ProbeResult run_probe(NetLoop& loop, Prober& prober, Duration timeout) {
  using namespace std::chrono_literals;
  std::optional<ProbeResult> result;
  int calls = 0;
  bool other_thread = false;
  const auto me = std::this_thread::get_id();
  auto started = std::chrono::steady_clock::now();
  prober.start(loop.events().clock().now() + timeout, [&](ProbeResult r) {
    ++calls;
    other_thread = std::this_thread::get_id() != me;
    result = std::move(r);
  });
  CHECK_MESSAGE(!result, "done ran inside start()");
  REQUIRE(loop.run_until([&] { return result.has_value(); },
                         std::chrono::duration_cast<std::chrono::milliseconds>(timeout) + 5s));
  CHECK(std::chrono::steady_clock::now() - started < timeout + 2s);
  loop.run_until([] { return false; }, 20ms);  // a second call would come now
  CHECK(calls == 1);
  CHECK_FALSE(other_thread);
  return *result;
}

inline ProbeConfig probe_config(ProbeKind kind, Duration timeout = std::chrono::seconds(2)) {
  return ProbeConfig{.name = "test",
                     .interval = std::chrono::seconds(10),
                     .timeout = timeout,
                     .kind = std::move(kind)};
}

}  // namespace vitals::testing
