// What the notification tests read from their loopback webhook receiver (RecordingServer): the
// JSON body of a request, and waiting for the next ones.
#pragma once

#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/agent_fixture.h"
#include "tests/support/recording_server.h"

namespace vitals::testing {

inline nlohmann::json body_of(const RecordedRequest& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  REQUIRE_MESSAGE(body.is_object(), request.body);
  return body;
}

// Waits until the receiver has more than `seen` requests; returns them all.
inline std::vector<RecordedRequest> wait_requests(const RecordingServer& hook, std::size_t seen,
                                                  Duration timeout = kEventTimeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (hook.count() <= seen && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  std::vector<RecordedRequest> requests = hook.requests();
  REQUIRE_MESSAGE(requests.size() > seen, "no notification after " << seen);
  return requests;
}

}  // namespace vitals::testing
