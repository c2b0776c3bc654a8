#include "agent/config/value_syntax.h"

#include <doctest/doctest.h>

using namespace vitals::detail;

TEST_CASE("byte sizes use Prometheus' units, all powers of 1024") {
  CHECK(parse_byte_size("0") == 0u);
  CHECK(parse_byte_size("1024") == 1024u);
  CHECK(parse_byte_size("512B") == 512u);
  CHECK(parse_byte_size("512KiB") == 512u * 1024);
  CHECK(parse_byte_size("10MB") == 10u * 1024 * 1024);
  CHECK(parse_byte_size("10MiB") == 10u * 1024 * 1024);
  CHECK(parse_byte_size("1GB") == 1024u * 1024 * 1024);
  CHECK(parse_byte_size("2TB") == 2ull << 40);
  for (const char* bad : {"", "MB", "10 MB", "10mb", "1.5GB", "-1", "10M", "99999EB", "1GBx"}) {
    CHECK_MESSAGE(!parse_byte_size(bad).has_value(), "accepted ", bad);
  }
}

TEST_CASE("URLs must be http or https with a host") {
  for (const char* good : {"http://a", "https://a.example:8443/x?y=1#z", "http://127.0.0.1:8081/h",
                           "http://[::1]:9093", "http://user:pw@host/"}) {
    CHECK_MESSAGE(!url_problem(good).has_value(), "refused ", good);
  }
  CHECK(url_problem("ftp://a") == "want an http:// or https:// URL");
  CHECK(url_problem("a.example/x") == "want an http:// or https:// URL");
  CHECK(url_problem("http://") == "it has no host");
  CHECK(url_problem("http:///x") == "it has no host");
  CHECK(url_problem("http://a:99999/") == "it has a bad port");
  CHECK(url_problem("http://a:/") == "it has an empty port");
  CHECK(url_problem("http://a b/") == "it contains a space");
  CHECK(url_problem("http://[::1/") == "it has an unclosed [");
}

TEST_CASE("addresses are host:port with a port from 1 to 65535") {
  auto v4 = parse_host_port("127.0.0.1:5432");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 5432);
  CHECK(parse_host_port("[::1]:53")->host == "::1");
  CHECK(parse_host_port("example.test:443")->port == 443);
  for (const char* bad : {"example.test", ":53", "a:0", "a:65536", "a:x", "::1:53", "a b:1"}) {
    CHECK_MESSAGE(!parse_host_port(bad).has_value(), "accepted ", bad);
  }
}

TEST_CASE("label names follow Prometheus' syntax") {
  CHECK(is_label_name("team"));
  CHECK(is_label_name("_x9"));
  CHECK_FALSE(is_label_name(""));
  CHECK_FALSE(is_label_name("9x"));
  CHECK_FALSE(is_label_name("a-b"));
  CHECK_FALSE(is_label_name("a.b"));
}

TEST_CASE("numbers and booleans must be the whole text") {
  CHECK(parse_int("-12") == -12);
  CHECK_FALSE(parse_int("12x").has_value());
  CHECK_FALSE(parse_int("").has_value());
  CHECK_FALSE(parse_int("99999999999999999999").has_value());
  CHECK(parse_double("99.9") == doctest::Approx(99.9));
  CHECK_FALSE(parse_double("nan").has_value());
  CHECK_FALSE(parse_double("1e999").has_value());
  CHECK(parse_bool("true") == true);
  CHECK(parse_bool("FALSE") == false);
  CHECK_FALSE(parse_bool("yes").has_value());
}

TEST_CASE("regexes are checked with RE2") {
  CHECK_FALSE(regex_problem("pong|ping").has_value());
  CHECK(regex_problem("a(") == "missing ): a(");
}
