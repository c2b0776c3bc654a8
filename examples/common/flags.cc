#include "examples/common/flags.h"

#include <charconv>

#include "vitals/common/duration.h"

namespace vitals::examples {
namespace {

Result<void> invalid(std::string_view name, std::string_view value, std::string_view wanted) {
  return make_error(ErrorCode::InvalidArgument, std::string(name) + ": \"" + std::string(value) +
                                                    "\" is not " + std::string(wanted));
}

// Parses all of `text` as a non-negative number of type T.
template <class T>
Result<void> store_number(std::string_view name, std::string_view text, T* field) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return invalid(name, text, "a non-negative number");
  }
  *field = value;
  return {};
}

}  // namespace

void FlagSet::add(std::string name, int* field) {
  setters_[name] = [name, field](std::string_view v) { return store_number(name, v, field); };
}

void FlagSet::add(std::string name, double* field) {
  setters_[name] = [name, field](std::string_view v) { return store_number(name, v, field); };
}

void FlagSet::add(std::string name, Duration* field) {
  setters_[name] = [name, field](std::string_view value) -> Result<void> {
    auto parsed = parse_duration(value);
    if (!parsed) return invalid(name, value, "a duration such as 500ms or 2s");
    *field = *parsed;
    return {};
  };
}

void FlagSet::add(std::string name, std::string* field) {
  setters_[name] = [field](std::string_view value) -> Result<void> {
    *field = value;
    return {};
  };
}

Result<void> FlagSet::parse(int argc, char** argv) const {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view name = arg.substr(0, arg.find('='));
    auto setter = setters_.find(name);
    if (setter == setters_.end()) {
      return make_error(ErrorCode::InvalidArgument, "unknown flag " + std::string(name));
    }
    std::string_view value;
    if (name.size() < arg.size()) {
      value = arg.substr(name.size() + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return make_error(ErrorCode::InvalidArgument, std::string(name) + " needs a value");
    }
    if (auto set = setter->second(value); !set) return set;
  }
  return {};
}

void ServiceFlags::add_to(FlagSet& flags) {
  flags.add("--port", &port);
  flags.add("--check-interval", &check_interval);
  flags.add("--heartbeat-window", &heartbeat_window);
  flags.add("--details-token", &details_token);
  flags.add("--drain-grace", &drain_grace);
}

}  // namespace vitals::examples
