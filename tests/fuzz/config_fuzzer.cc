// Fuzzes the agent's configuration loader (agent/config/load_config.h) from text: YAML parsing
// (yaml-cpp), the typed reads with file:line:col, defaults and the whole-config validation. No
// file is read: parse_config only resolves relative paths against the (nonexistent) file's
// directory.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/config/load_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::string kFileName = "/nonexistent/vitals-fuzz/vitals.yml";
  auto config = vitals::parse_config(text, kFileName);
  if (!config) (void)vitals::to_string(config.error());
  return 0;
}
