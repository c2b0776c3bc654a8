// GET /federate over a real in-memory sample window: the newest live sample of each selected
// series with its timestamp, external labels added, as Prometheus federates.
#include <doctest/doctest.h>

#include "agent/store/xor_chunk.h"
#include "agent/web/server.h"
#include "tests/support/why.h"
#include "tests/unit/agent/web/web_fixture.h"

namespace vitals {
namespace {

using testing::request;
using testing::WebFixture;
using testing::why;

constexpr std::int64_t kNowMs = 1767225600000;  // FakeClock::kStartWall

struct FederateFixture : WebFixture {
  std::unique_ptr<SampleWindow> samples = SampleWindow::create(clock, {});

  FederateFixture() {
    window = samples.get();
    external_labels = {{"cluster", "demo"}, {"replica", "a"}};
    add({{"__name__", "job:declines:ratio"}, {"service", "cards"}},
        {{kNowMs - 20000, 0.5}, {kNowMs - 10000, 0.25}});
    add({{"__name__", "ALERTS"},
         {"alertname", "CardsFailing"},
         {"alertstate", "firing"},
         {"cluster", "eu-1"},
         {"service", "cards"}},
        {{kNowMs - 1000, 1}});
    add({{"__name__", "job:old:sum"}}, {{kNowMs - 6 * 60 * 1000, 7}});  // past the lookback
    add({{"__name__", "job:gone:sum"}}, {{kNowMs - 3000, 3}, {kNowMs - 2000, stale_nan()}});
    add({{"__name__", "card_authorisations_total"}, {"result", "say \"hi\"\n"}},
        {{kNowMs - 500, 42}});
  }

  void add(LabelPairs labels, std::vector<SamplePoint> points) {
    auto ref = samples->get_or_create(std::move(labels));
    REQUIRE(ref);
    for (const SamplePoint& point : points) samples->append(*ref, point.t_ms, point.value);
  }
};

}  // namespace

TEST_CASE("federate answers the newest live sample of each selected series, with its time") {
  FederateFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  // match[]={__name__=~"job:.*|ALERTS"} and match[]=card_authorisations_total
  auto reply = request((*server)->port(), "GET",
                       "/federate?match%5B%5D=%7B__name__%3D~%22job%3A.*%7CALERTS%22%7D"
                       "&match%5B%5D=card_authorisations_total");
  REQUIRE(reply.status == 200);
  CHECK(reply.body ==
        "# TYPE ALERTS untyped\n"
        "ALERTS{alertname=\"CardsFailing\",alertstate=\"firing\",cluster=\"eu-1\","
        "replica=\"a\",service=\"cards\"} 1 1767225599000\n"
        "# TYPE card_authorisations_total untyped\n"
        "card_authorisations_total{cluster=\"demo\",replica=\"a\",result=\"say \\\"hi\\\"\\n\"} "
        "42 1767225599500\n"
        "# TYPE job:declines:ratio untyped\n"
        "job:declines:ratio{cluster=\"demo\",replica=\"a\",service=\"cards\"} 0.25 "
        "1767225590000\n");
}

TEST_CASE("federate refuses a request without match[] or with a malformed selector") {
  FederateFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  CHECK(request((*server)->port(), "GET", "/federate").status == 400);
  auto bad = request((*server)->port(), "GET", "/federate?match%5B%5D=%7Bservice%3D%7D");
  CHECK(bad.status == 400);
  CHECK_MESSAGE(!bad.body.empty(), "a 400 says why");
}

}  // namespace vitals
