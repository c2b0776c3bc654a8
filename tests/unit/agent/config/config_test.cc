#include "agent/config/config.h"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using vitals::DnsRecordType;
using vitals::RouteConfig;

TEST_CASE("routes inherit unset fields from their parent and the root from the defaults") {
  RouteConfig root;
  root.receiver = "oncall";
  root.group_by = std::vector<std::string>{"alertname"};
  RouteConfig pager;
  pager.receiver = "pager";
  pager.matchers = {"severity=\"page\""};
  pager.group_wait = 1s;
  RouteConfig night;
  night.matchers = {"team=\"night\""};
  night.group_by = std::vector<std::string>{"..."};
  pager.routes.push_back(night);
  root.routes.push_back(pager);

  vitals::ResolvedRoute tree = vitals::resolve_route_tree(root);
  CHECK(tree.receiver == "oncall");
  CHECK(tree.group_wait == 30s);
  CHECK(tree.group_interval == 5min);
  CHECK(tree.repeat_interval == 4h);
  const vitals::ResolvedRoute& p = tree.routes.at(0);
  CHECK(p.receiver == "pager");
  CHECK(p.group_by == std::vector<std::string>{"alertname"});
  CHECK(p.group_wait == 1s);
  CHECK(p.repeat_interval == 4h);
  const vitals::ResolvedRoute& n = p.routes.at(0);
  CHECK(n.receiver == "pager");
  CHECK(n.group_wait == 1s);
  CHECK(n.group_by == std::vector<std::string>{"..."});
  CHECK(n.matchers == std::vector<std::string>{"team=\"night\""});
}

TEST_CASE("DNS record types print and parse by their upper-case names") {
  for (DnsRecordType type :
       {DnsRecordType::A, DnsRecordType::Aaaa, DnsRecordType::Cname, DnsRecordType::Mx,
        DnsRecordType::Txt, DnsRecordType::Ns, DnsRecordType::Srv, DnsRecordType::Ptr}) {
    CHECK(vitals::parse_dns_record_type(vitals::to_string(type)) == type);
  }
  CHECK(vitals::to_string(DnsRecordType::Aaaa) == "AAAA");
  CHECK_FALSE(vitals::parse_dns_record_type("aaaa").has_value());
}
