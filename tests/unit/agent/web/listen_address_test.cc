#include "agent/web/listen_address.h"

#include <doctest/doctest.h>

#include "tests/support/why.h"

namespace vitals::detail {
namespace {

using testing::why;

TEST_CASE("a listen address splits into host and port, IPv6 in brackets") {
  auto v4 = parse_listen_address("127.0.0.1:9464");
  REQUIRE_MESSAGE(v4, why(v4));
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 9464);
  auto v6 = parse_listen_address("[::1]:0");
  REQUIRE_MESSAGE(v6, why(v6));
  CHECK(v6->host == "::1");
  CHECK(v6->port == 0);
  auto every = parse_listen_address(":9464");
  REQUIRE_MESSAGE(every, why(every));
  CHECK(every->host == "0.0.0.0");
  CHECK(!every->loopback);
}

TEST_CASE("malformed listen addresses are refused") {
  for (const char* text : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536",
                           "127.0.0.1:-1", "::1:9464", "[::1:9464", "[]:9464"}) {
    auto parsed = parse_listen_address(text);
    CHECK_MESSAGE(!parsed, text);
  }
}

TEST_CASE("only 127.0.0.0/8, ::1 and localhost count as loopback") {
  for (const char* host :
       {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "localhost", "LocalHost"}) {
    CHECK_MESSAGE(is_loopback_host(host), host);
  }
  for (const char* host : {"0.0.0.0", "::", "", "10.0.0.1", "128.0.0.1", "::ffff:10.0.0.1",
                           "localhost.example.test", "example.test", "127.0.0.1.nip.io"}) {
    CHECK_MESSAGE(!is_loopback_host(host), host);
  }
}

}  // namespace
}  // namespace vitals::detail
