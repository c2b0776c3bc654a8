// Reading DNS answers of every record type the DNS probe asks for, from hand-built messages.
#include "agent/probe/dns_answer.h"

#include <arpa/nameser.h>
#include <doctest/doctest.h>

#include <string>
#include <vector>
#include "tests/support/why.h"

using vitals::detail::answers_of_type;

namespace {

using Bytes = std::vector<unsigned char>;

Bytes name(const std::string& dotted) {
  Bytes out;
  std::size_t start = 0;
  while (start < dotted.size()) {
    std::size_t dot = dotted.find('.', start);
    if (dot == std::string::npos) dot = dotted.size();
    out.push_back(static_cast<unsigned char>(dot - start));
    out.insert(out.end(), dotted.begin() + static_cast<long>(start),
               dotted.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return out;
}

Bytes u16(int v) {
  return {static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A response to `qtype` for example.test with `records` (each: type, rdata) owned by the
// question's name (a compression pointer to offset 12).
Bytes message(int qtype, const std::vector<std::pair<int, Bytes>>& records) {
  Bytes m = cat({u16(0x1234), u16(0x8180), u16(1), u16(static_cast<int>(records.size())), u16(0),
                 u16(0), name("example.test"), u16(qtype), u16(1)});
  for (const auto& [type, rdata] : records) {
    m = cat({m,
             {0xc0, 12},
             u16(type),
             u16(1),
             {0, 0, 1, 44},
             u16(static_cast<int>(rdata.size())),
             rdata});
  }
  return m;
}

std::vector<std::string> read(const Bytes& m, int type) {
  auto answers = answers_of_type(m.data(), static_cast<int>(m.size()), type);
  REQUIRE_MESSAGE(answers, vitals::testing::why(answers));
  return *answers;
}

}  // namespace

TEST_CASE("A and AAAA answers read as addresses, skipping a CNAME chain") {
  Bytes v6(16, 0);
  v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 1;
  auto m = message(
      ns_t_a,
      {{ns_t_cname, name("real.example.test")}, {ns_t_a, {10, 1, 2, 3}}, {ns_t_a, {10, 1, 2, 4}}});
  CHECK(read(m, ns_t_a) == std::vector<std::string>{"10.1.2.3", "10.1.2.4"});
  CHECK(read(m, ns_t_cname) == std::vector<std::string>{"real.example.test"});
  CHECK(read(message(ns_t_aaaa, {{ns_t_aaaa, v6}}), ns_t_aaaa) ==
        std::vector<std::string>{"2001:db8::1"});
}

TEST_CASE("MX, SRV, TXT, NS and PTR answers read in presentation form") {
  Bytes compressed_target = {4, 'm', 'a', 'i', 'l', 0xc0, 12};  // mail.example.test
  CHECK(read(message(ns_t_mx, {{ns_t_mx, cat({u16(10), compressed_target})}}), ns_t_mx) ==
        std::vector<std::string>{"10 mail.example.test"});
  CHECK(read(message(ns_t_srv,
                     {{ns_t_srv, cat({u16(1), u16(5), u16(443), name("svc.example.test")})}}),
             ns_t_srv) == std::vector<std::string>{"1 5 443 svc.example.test"});
  CHECK(read(message(ns_t_txt, {{ns_t_txt, {5, 'v', '=', 's', 'p', 'f', 2, ' ', '1'}}}),
             ns_t_txt) == std::vector<std::string>{"v=spf 1"});
  CHECK(read(message(ns_t_ns, {{ns_t_ns, name("ns1.example.test")}}), ns_t_ns) ==
        std::vector<std::string>{"ns1.example.test"});
  CHECK(read(message(ns_t_ptr, {{ns_t_ptr, name("host.example.test")}}), ns_t_ptr) ==
        std::vector<std::string>{"host.example.test"});
}

TEST_CASE("a truncated or malformed dns message is an error, not a crash") {
  auto good = message(ns_t_a, {{ns_t_a, {10, 1, 2, 3}}});
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    CAPTURE(cut);
    CHECK_FALSE(answers_of_type(good.data(), static_cast<int>(cut), ns_t_a));
  }
  auto bad_length = message(ns_t_a, {{ns_t_a, {10, 1, 2}}});
  CHECK_FALSE(answers_of_type(bad_length.data(), static_cast<int>(bad_length.size()), ns_t_a));
  auto bad_txt = message(ns_t_txt, {{ns_t_txt, {9, 'a'}}});
  CHECK_FALSE(answers_of_type(bad_txt.data(), static_cast<int>(bad_txt.size()), ns_t_txt));
}
