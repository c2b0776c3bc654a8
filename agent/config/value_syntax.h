// Syntax of single configuration values (numbers, byte sizes, URLs, host:port, label names,
// regexes), checked without knowing where in a file the value sits. Internal to agent/config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vitals::detail {

// Whole-text decimal integer, optionally negative; nullopt otherwise or on overflow.
std::optional<std::int64_t> parse_int(std::string_view text);

// Whole-text finite decimal number ("99.9", "1", "0.8").
std::optional<double> parse_double(std::string_view text);

// YAML 1.2's core booleans: true/True/TRUE and false/False/FALSE.
std::optional<bool> parse_bool(std::string_view text);

// Prometheus' size notation: plain bytes ("1024") or an integer with one unit of B, KB, MB, GB,
// TB, PB, EB or their KiB … EiB spellings, all powers of 1024 as in Prometheus
// ("10MB" = 10485760). nullopt for anything else or on overflow.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// nullopt when `url` is an http:// or https:// URL with a host (and a valid port if any);
// otherwise what is wrong with it.
std::optional<std::string> url_problem(std::string_view url);

struct HostPort {
  std::string host{};  // without the brackets of an IPv6 literal
  int port{0};
};

// "host:port" or "[v6]:port" with a port in 1..65535.
std::optional<HostPort> parse_host_port(std::string_view text);

// Prometheus' label name syntax: [a-zA-Z_][a-zA-Z0-9_]*.
bool is_label_name(std::string_view name);

// nullopt when RE2 compiles `pattern`; otherwise RE2's reason.
std::optional<std::string> regex_problem(const std::string& pattern);

}  // namespace vitals::detail
