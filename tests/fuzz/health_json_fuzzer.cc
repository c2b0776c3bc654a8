// Fuzzes the /health body parser (agent/scrape/health_json_parser.h): a foreign or malformed
// body must come back as an error value, never as a crash or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/scrape/health_json_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto report = vitals::parse_health_json(body);
  if (report) {
    std::size_t sum = report->status.size() + report->service.size();
    for (const vitals::ScrapedCheck& check : report->checks) {
      sum += check.name.size() + check.status.size() + check.tags.size() + check.metadata.size();
    }
    (void)sum;
  }
  return 0;
}
