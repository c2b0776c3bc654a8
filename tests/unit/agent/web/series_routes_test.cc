// /api/v1/series, /labels and /label/NAME/values over a real in-memory sample window.
#include <doctest/doctest.h>

#include "agent/web/server.h"
#include "tests/support/why.h"
#include "tests/unit/agent/web/web_fixture.h"

namespace vitals {
namespace {

using testing::request;
using testing::WebFixture;
using testing::why;

struct SeriesFixture : WebFixture {
  std::unique_ptr<SampleWindow> samples = SampleWindow::create(clock, {});
  SeriesFixture() {
    window = samples.get();
    for (const char* result : {"approved", "declined"}) {
      auto ref = samples->get_or_create(
          {{"__name__", "card_authorisations_total"}, {"result", result}, {"service", "cards"}});
      REQUIRE(ref);
      samples->append(*ref, 1000, 1);
    }
    auto up = samples->get_or_create({{"__name__", "up"}, {"service", "cards"}});
    REQUIRE(up);
  }
};

}  // namespace

TEST_CASE("series are found by match[] selectors, in Prometheus' shape") {
  SeriesFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  auto reply =
      request(port, "GET",
              "/api/v1/series?match%5B%5D=card_authorisations_total%7Bresult%3D%22declined%22%7D"
              "&match%5B%5D=up");
  REQUIRE(reply.status == 200);
  auto data = reply.json()["data"];
  REQUIRE(data.size() == 2);
  CHECK(data[0]["__name__"] == "card_authorisations_total");
  CHECK(data[0]["result"] == "declined");
  CHECK(data[1]["__name__"] == "up");
}

TEST_CASE("label names and one label's values are listed sorted") {
  SeriesFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  auto names = request(port, "GET", "/api/v1/labels").json()["data"];
  CHECK(names == nlohmann::json::array({"__name__", "result", "service"}));
  auto values = request(port, "GET", "/api/v1/label/result/values").json()["data"];
  CHECK(values == nlohmann::json::array({"approved", "declined"}));
  auto metric_names = request(port, "GET", "/api/v1/label/__name__/values").json()["data"];
  CHECK(metric_names == nlohmann::json::array({"card_authorisations_total", "up"}));
}

TEST_CASE("a bad selector or none is a bad_data error") {
  SeriesFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  int port = (*server)->port();
  auto none = request(port, "GET", "/api/v1/series");
  CHECK(none.status == 400);
  CHECK(none.json()["errorType"] == "bad_data");
  auto bad = request(port, "GET", "/api/v1/series?match%5B%5D=up%7Bjob");
  CHECK(bad.status == 400);
  CHECK(bad.json()["error"].get<std::string>().starts_with("selector column"));
}

TEST_CASE("without a window the series routes answer 503") {
  WebFixture fixture;
  auto server = fixture.start();
  REQUIRE_MESSAGE(server, why(server));
  CHECK(request((*server)->port(), "GET", "/api/v1/labels").status == 503);
}

}  // namespace vitals
