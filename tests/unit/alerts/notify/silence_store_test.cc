#include "alerts/notify/silence_store.h"

#include <doctest/doctest.h>

#include <regex>

#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

using namespace std::chrono_literals;
using vitals::ErrorCode;
using vitals::notify::Silence;
using vitals::notify::SilenceState;
using vitals::notify::SilenceStore;

namespace {

std::int64_t ms(vitals::WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::unique_ptr<SilenceStore> open_store(const std::string& path,
                                         const vitals::testing::FakeClock& clock) {
  auto store = SilenceStore::open(path, clock);
  REQUIRE_MESSAGE(store, vitals::testing::why(store));
  return std::move(*store);
}

Silence draft(std::int64_t starts, std::int64_t ends,
              std::vector<std::string> matchers = {R"(service="cards")"}) {
  return Silence{.matchers = std::move(matchers),
                 .starts_at_ms = starts,
                 .ends_at_ms = ends,
                 .created_by = "ana",
                 .comment = "deploy"};
}

}  // namespace

TEST_CASE("a silence mutes matching alerts only between its start and end") {
  vitals::testing::FakeClock clock;
  auto store = open_store(":memory:", clock);
  const std::int64_t now = ms(clock.wall_now());
  auto made = store->create(draft(now + 60'000, now + 120'000));
  REQUIRE_MESSAGE(made, vitals::testing::why(made));
  const vitals::LabelPairs cards{{"alertname", "Down"}, {"service", "cards"}};
  const vitals::LabelPairs feed{{"alertname", "Down"}, {"service", "feed"}};
  CHECK(vitals::notify::silence_state(*made, now) == SilenceState::Pending);
  CHECK(store->silenced_by(cards, now).empty());
  CHECK(store->silenced_by(cards, now + 60'000) == std::vector<std::string>{made->id});
  CHECK(store->silenced_by(feed, now + 60'000).empty());
  CHECK(store->silenced_by(cards, now + 119'999) == std::vector<std::string>{made->id});
  CHECK(store->silenced_by(cards, now + 120'000).empty());
}

TEST_CASE("a silence gets a UUID-like id, and a start in the past becomes now") {
  vitals::testing::FakeClock clock;
  auto store = open_store(":memory:", clock);
  const std::int64_t now = ms(clock.wall_now());
  auto a = store->create(draft(now - 5'000, now + 60'000));
  auto b = store->create(draft(now, now + 60'000));
  REQUIRE_MESSAGE(a, vitals::testing::why(a));
  REQUIRE_MESSAGE(b, vitals::testing::why(b));
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  CHECK(std::regex_match(a->id, uuid));
  CHECK(a->id != b->id);
  CHECK(a->starts_at_ms == now);
  CHECK(a->created_by == "ana");
  CHECK(store->list().size() == 2);
}

TEST_CASE("expiring a silence ends it now, and unknown or expired ones are errors") {
  vitals::testing::FakeClock clock;
  auto store = open_store(":memory:", clock);
  const std::int64_t start = ms(clock.wall_now());
  auto made = store->create(draft(start, start + 3'600'000));
  REQUIRE_MESSAGE(made, vitals::testing::why(made));
  clock.advance(10min);
  const vitals::LabelPairs cards{{"service", "cards"}};
  CHECK(store->silenced_by(cards, ms(clock.wall_now())).size() == 1);
  auto expired = store->expire(made->id);
  REQUIRE_MESSAGE(expired, vitals::testing::why(expired));
  CHECK(expired->ends_at_ms == ms(clock.wall_now()));
  CHECK(store->silenced_by(cards, ms(clock.wall_now())).empty());
  CHECK(store->get(made->id)->ends_at_ms == ms(clock.wall_now()));

  auto again = store->expire(made->id);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == ErrorCode::InvalidArgument);
  auto unknown = store->expire("no-such-id");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::NotFound);
}

TEST_CASE("expiring a pending silence means it never starts") {
  vitals::testing::FakeClock clock;
  auto store = open_store(":memory:", clock);
  const std::int64_t now = ms(clock.wall_now());
  auto made = store->create(draft(now + 60'000, now + 120'000));
  REQUIRE(made);
  REQUIRE(store->expire(made->id));
  CHECK(store->silenced_by({{"service", "cards"}}, now + 90'000).empty());
  CHECK(vitals::notify::silence_state(*store->get(made->id), now) == SilenceState::Expired);
}

TEST_CASE("silences that are wrong are refused with the reason") {
  vitals::testing::FakeClock clock;
  auto store = open_store(":memory:", clock);
  const std::int64_t now = ms(clock.wall_now());
  auto refused = [&](Silence s) {
    auto made = store->create(std::move(s));
    REQUIRE_FALSE(made.has_value());
    CHECK(made.error().code == ErrorCode::InvalidArgument);
    return made.error().message;
  };
  CHECK(refused(draft(now, now + 1000, {})).find("at least one matcher") != std::string::npos);
  CHECK(refused(draft(now, now + 1000, {"service"})).find("invalid matcher") != std::string::npos);
  CHECK(refused(draft(now, now + 1000, {R"(service=~"(")"})).find("regex") != std::string::npos);
  CHECK(refused(draft(now, now + 1000, {R"(service=~".*")"})).find("empty string") !=
        std::string::npos);
  CHECK(refused(draft(now + 2000, now + 1000)).find("after starts_at") != std::string::npos);
  CHECK(refused(draft(now - 2000, now - 1000)).find("after starts_at") != std::string::npos);
  CHECK(store->list().empty());
}

TEST_CASE("silences survive reopening their file, expired ones included") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  const std::int64_t now = ms(clock.wall_now());
  std::string kept_id, expired_id;
  {
    auto store = open_store(dir.file("silences.db"), clock);
    auto kept = store->create(draft(now, now + 3'600'000, {R"(service="cards")", "team=~\"a|b\""}));
    auto gone = store->create(draft(now, now + 3'600'000));
    REQUIRE(kept);
    REQUIRE(gone);
    kept_id = kept->id;
    expired_id = gone->id;
    REQUIRE(store->expire(expired_id));
  }
  clock.advance(1min);
  auto store = open_store(dir.file("silences.db"), clock);
  CHECK(store->list().size() == 2);
  auto kept = store->get(kept_id);
  REQUIRE(kept);
  CHECK(kept->matchers == std::vector<std::string>{R"(service="cards")", "team=~\"a|b\""});
  CHECK(kept->comment == "deploy");
  CHECK(kept->ends_at_ms == now + 3'600'000);
  CHECK(store->silenced_by({{"service", "cards"}, {"team", "a"}}, ms(clock.wall_now())) ==
        std::vector<std::string>{kept_id});
  CHECK(store->get(expired_id)->ends_at_ms == now);
}

TEST_CASE("expired silences are dropped once their retention has passed") {
  vitals::testing::TempDir dir;
  vitals::testing::FakeClock clock;
  {
    auto store = open_store(dir.file("silences.db"), clock);
    const std::int64_t now = ms(clock.wall_now());
    REQUIRE(store->create(draft(now, now + 60'000)));
  }
  clock.advance(121h);
  CHECK(open_store(dir.file("silences.db"), clock)->list().empty());
}
