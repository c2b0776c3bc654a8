// Command-line flags for the example services: each flag is bound to a field of the caller's
// and set from "--name value" or "--name=value".
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "vitals/common/clock.h"
#include "vitals/common/error.h"

namespace vitals::examples {

// Not thread-safe: filled and parsed by main() before any thread starts. The bound fields must
// outlive parse().
class FlagSet {
 public:
  void add(std::string name, int* field);          // a non-negative integer
  void add(std::string name, double* field);       // a non-negative number
  void add(std::string name, Duration* field);     // "500ms", "2s", "1m"
  void add(std::string name, std::string* field);  // any text

  // InvalidArgument naming the flag for an unknown flag, a missing value or a malformed one.
  Result<void> parse(int argc, char** argv) const;

 private:
  using Setter = std::function<Result<void>(std::string_view value)>;
  std::map<std::string, Setter, std::less<>> setters_;
};

// The flags every example service has.
struct ServiceFlags {
  int port = 0;  // 0: any free port
  Duration check_interval = std::chrono::seconds(1);
  Duration heartbeat_window = std::chrono::seconds(30);
  std::string details_token{};
  Duration drain_grace = std::chrono::seconds(5);

  void add_to(FlagSet& flags);
};

}  // namespace vitals::examples
