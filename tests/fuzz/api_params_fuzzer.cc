// Fuzzes what the HTTP API reads from a request's parameters: times and limits
// (agent/web/api_params.h), match[] series selectors (agent/store/series_selector.h, as
// /api/v1/series reads them), durations as `step` falls back to them (vitals/common/duration.h),
// and the --web.listen-address value (agent/web/listen_address.h). The API's silence bodies are
// read by a function private to notify_routes.cc; their matchers are matcher_fuzzer's and their
// times parse_api_time's.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "agent/store/series_selector.h"
#include "agent/web/api_params.h"
#include "agent/web/listen_address.h"
#include "vitals/common/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)vitals::detail::parse_api_time("time", text);
  (void)vitals::detail::parse_api_limit("limit", text, 10'000);
  (void)vitals::detail::parse_api_limit("limit", text, std::numeric_limits<std::size_t>::max());
  if (auto matchers = vitals::parse_series_selector(text)) {
    for (const vitals::LabelMatcher& matcher : *matchers) (void)matcher.matches(text);
  }
  (void)vitals::parse_duration(text);
  if (auto address = vitals::detail::parse_listen_address(text)) {
    (void)vitals::detail::is_loopback_host(address->host);
  }
  return 0;
}
