#include "alerts/notify/delivery/delivery_secrets.h"
#include "vitals/common/secret_file.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"

using namespace vitals;
using namespace vitals::notify;
using vitals::testing::TempDir;

namespace {

OutboxRow row_for(std::string integration, std::string secret_file = "") {
  return OutboxRow{.id = 1,
                   .message = {.receiver = "pager",
                               .integration = std::move(integration),
                               .url = "http://pd",
                               .body = R"({"event_action":"trigger"})",
                               .secret_file = std::move(secret_file)}};
}

}  // namespace

TEST_CASE("a webhook row is sent as stored") {
  DeliverySecrets secrets;
  auto target = secrets.resolve(row_for("webhook[0]"));
  REQUIRE(target);
  CHECK(target->url == "http://pd");
  CHECK(target->body == R"({"event_action":"trigger"})");
}

TEST_CASE("an inline routing key comes from the current configuration") {
  DeliverySecrets secrets({ReceiverConfig{
      .name = "pager", .pagerduty_configs = {{.url = "http://pd", .routing_key = "K1"}}}});
  auto target = secrets.resolve(row_for("pagerduty[0]"));
  REQUIRE_MESSAGE(target, to_string(target.error()));
  CHECK(nlohmann::json::parse(target->body)["routing_key"] == "K1");
  secrets.set_receivers({ReceiverConfig{
      .name = "pager", .pagerduty_configs = {{.url = "http://pd", .routing_key = "K2"}}}});
  CHECK(nlohmann::json::parse(secrets.resolve(row_for("pagerduty[0]"))->body)["routing_key"] ==
        "K2");
}

TEST_CASE("a routing key file is read at every send, so a rotation takes effect") {
  TempDir dir;
  const std::string path = dir.write_file("pd", "  OLD-KEY \n");
  DeliverySecrets secrets({ReceiverConfig{
      .name = "pager", .pagerduty_configs = {{.url = "http://pd", .routing_key_file = path}}}});
  CHECK(nlohmann::json::parse(
            secrets.resolve(row_for("pagerduty[0]", path))->body)["routing_key"] == "OLD-KEY");
  dir.write_file("pd", "NEW-KEY\n");
  CHECK(nlohmann::json::parse(
            secrets.resolve(row_for("pagerduty[0]", path))->body)["routing_key"] == "NEW-KEY");
}

TEST_CASE("a row whose integration left the configuration still uses its secret file") {
  TempDir dir;
  const std::string path = dir.write_file("slack", "http://slack/hook\n");
  DeliverySecrets secrets;  // no receivers at all
  auto target = secrets.resolve(row_for("slack[0]", path));
  REQUIRE(target);
  CHECK(target->url == "http://slack/hook");
}

TEST_CASE("a missing secret is Unavailable and its message names no secret") {
  TempDir dir;
  DeliverySecrets secrets;
  auto gone = secrets.resolve(row_for("pagerduty[0]"));
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == ErrorCode::Unavailable);
  auto missing = secrets.resolve(row_for("slack[0]", dir.file("absent")));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::Unavailable);
  CHECK(missing.error().message.find("absent") != std::string::npos);
  dir.write_file("empty", "\n");
  CHECK_FALSE(read_secret_file(dir.file("empty")));
}
