#include "agent/web/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vitals::detail {
namespace {

Result<int> parse_port(std::string_view text, std::string_view whole) {
  int port = -1;
  const char* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(text.data(), end, port);
  if (text.empty() || ec != std::errc() || at != end || port < 0 || port > 65535) {
    return make_error(ErrorCode::InvalidArgument,
                      "listen address " + std::string(whole) + ": port must be 0-65535");
  }
  return port;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  auto malformed = [&] {
    return make_error(ErrorCode::InvalidArgument, "listen address " + std::string(text) +
                                                      ": want host:port, [ipv6]:port or :port");
  };
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return malformed();
  std::string_view host = text.substr(0, colon);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) return malformed();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return malformed();  // a bare IPv6 address: which colon ends it is ambiguous
  }
  auto port = parse_port(text.substr(colon + 1), text);
  if (!port) return tl::unexpected(port.error());
  ListenAddress address{.host = host.empty() ? "0.0.0.0" : std::string(host), .port = *port};
  address.loopback = is_loopback_host(address.host);
  return address;
}

bool is_loopback_host(std::string_view host) {
  if (equals_ignoring_case(host, "localhost")) return true;
  std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

}  // namespace vitals::detail
