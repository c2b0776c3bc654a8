#include "agent/store/postings.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals::detail {
namespace {

LabelMatcher matcher(std::string name, MatchOp op, std::string value) {
  auto made = LabelMatcher::make(std::move(name), op, std::move(value));
  REQUIRE_MESSAGE(made, why(made));
  return std::move(*made);
}

TextPairs texts(const LabelPairs& labels) {
  TextPairs out;
  for (const auto& [name, value] : labels) {
    out.emplace_back(std::make_shared<const std::string>(name),
                     std::make_shared<const std::string>(value));
  }
  return out;
}

// 1 up{job=api,instance=a}   2 up{job=api,instance=b}   3 up{job=db,instance=a}
// 4 requests{job=api,instance=a,code=200}   5 requests{job=api,instance=a,code=500}
std::shared_ptr<const PostingsIndex> sample_index() {
  std::vector<PostingsChange> changes = {
      {1, texts({{"__name__", "up"}, {"instance", "a"}, {"job", "api"}})},
      {2, texts({{"__name__", "up"}, {"instance", "b"}, {"job", "api"}})},
      {3, texts({{"__name__", "up"}, {"instance", "a"}, {"job", "db"}})},
      {4, texts({{"__name__", "requests"}, {"code", "200"}, {"instance", "a"}, {"job", "api"}})},
      {5, texts({{"__name__", "requests"}, {"code", "500"}, {"instance", "a"}, {"job", "api"}})},
  };
  return PostingsIndex().apply(changes, 5);
}

RefList select(const PostingsIndex& index, std::vector<LabelMatcher> matchers) {
  return index.select(matchers);
}

TEST_CASE("= selects the series with that exact pair, and intersects with the other matchers") {
  auto index = sample_index();
  CHECK(select(*index, {matcher("__name__", MatchOp::Equal, "up")}) == RefList{1, 2, 3});
  CHECK(select(*index, {matcher("__name__", MatchOp::Equal, "up"),
                        matcher("job", MatchOp::Equal, "api")}) == RefList{1, 2});
  CHECK(select(*index,
               {matcher("__name__", MatchOp::Equal, "up"), matcher("job", MatchOp::Equal, "api"),
                matcher("instance", MatchOp::Equal, "b")}) == RefList{2});
  CHECK(select(*index, {matcher("__name__", MatchOp::Equal, "nope")}).empty());
  CHECK(select(*index, {matcher("nope", MatchOp::Equal, "x")}).empty());
}

TEST_CASE("!= keeps series whose value differs, including those without the label") {
  auto index = sample_index();
  CHECK(select(*index, {matcher("__name__", MatchOp::Equal, "up"),
                        matcher("job", MatchOp::NotEqual, "api")}) == RefList{3});
  // No code label on `up`: "" != "500", so all of them stay.
  CHECK(select(*index, {matcher("job", MatchOp::Equal, "api"),
                        matcher("code", MatchOp::NotEqual, "500")}) == RefList{1, 2, 4});
  // Only accepting "": starts from every series.
  CHECK(select(*index, {matcher("code", MatchOp::NotEqual, "200")}) == RefList{1, 2, 3, 5});
}

TEST_CASE("=~ is anchored at both ends and scans the values of one label") {
  auto index = sample_index();
  CHECK(select(*index, {matcher("job", MatchOp::Regex, "api|db")}) == RefList{1, 2, 3, 4, 5});
  CHECK(select(*index, {matcher("code", MatchOp::Regex, "5..")}) == RefList{5});
  CHECK(select(*index, {matcher("code", MatchOp::Regex, "5")}).empty());  // not a substring
  CHECK(select(*index, {matcher("__name__", MatchOp::Regex, "req.*"),
                        matcher("code", MatchOp::Regex, "2.*")}) == RefList{4});
}

TEST_CASE("!~ drops the series whose value matches, keeping those without the label") {
  auto index = sample_index();
  CHECK(select(*index, {matcher("job", MatchOp::Equal, "api"),
                        matcher("code", MatchOp::NotRegex, "5..")}) == RefList{1, 2, 4});
  CHECK(select(*index, {matcher("__name__", MatchOp::NotRegex, "up|requests")}).empty());
}

TEST_CASE("matchers on the empty value select by the label's absence or presence") {
  auto index = sample_index();
  CHECK(select(*index, {matcher("job", MatchOp::Equal, "api"),
                        matcher("code", MatchOp::Equal, "")}) == RefList{1, 2});
  CHECK(select(*index, {matcher("code", MatchOp::NotEqual, "")}) == RefList{4, 5});
  CHECK(select(*index, {matcher("code", MatchOp::Regex, "|200")}) == RefList{1, 2, 3, 4});
  CHECK(select(*index, {matcher("code", MatchOp::Regex, ".+")}) == RefList{4, 5});
}

TEST_CASE("no matchers select nothing") {
  CHECK(select(*sample_index(), {}).empty());
}

TEST_CASE("a regex that does not compile is an error naming it") {
  auto made = LabelMatcher::make("job", MatchOp::Regex, "a(b");
  REQUIRE(!made);
  CHECK(made.error().code == ErrorCode::InvalidArgument);
  CHECK(made.error().message.find("a(b") != std::string::npos);
}

TEST_CASE("a regex's dot matches a newline, as Prometheus compiles with (?s)") {
  CHECK(matcher("x", MatchOp::Regex, "a.b").matches("a\nb"));
}

TEST_CASE("names and values come sorted, and removed series leave them when last") {
  auto index = sample_index();
  CHECK(index->names() == std::vector<std::string>{"__name__", "code", "instance", "job"});
  CHECK(index->values("job") == std::vector<std::string>{"api", "db"});
  CHECK(index->values("nope").empty());
  std::vector<PostingsChange> removals = {
      {3, texts({{"__name__", "up"}, {"instance", "a"}, {"job", "db"}}), false},
      {4, texts({{"__name__", "requests"}, {"code", "200"}, {"instance", "a"}, {"job", "api"}}),
       false},
      {5, texts({{"__name__", "requests"}, {"code", "500"}, {"instance", "a"}, {"job", "api"}}),
       false}};
  auto next = index->apply(removals, 8);
  CHECK(next->names() == std::vector<std::string>{"__name__", "instance", "job"});
  CHECK(next->values("job") == std::vector<std::string>{"api"});
  CHECK(select(*next, {matcher("instance", MatchOp::Equal, "a")}) == RefList{1});
  CHECK(next->series() == 2);
  // The old snapshot is untouched.
  CHECK(select(*index, {matcher("instance", MatchOp::Equal, "a")}) == RefList{1, 3, 4, 5});
}

TEST_CASE("set operations on sorted ref lists") {
  CHECK(intersect({1, 3, 5, 7}, {3, 4, 5}) == RefList{3, 5});
  CHECK(unite({1, 5}, {2, 5, 9}) == RefList{1, 2, 5, 9});
  CHECK(subtract({1, 2, 3, 4}, {2, 4, 6}) == RefList{1, 3});
}

}  // namespace
}  // namespace vitals::detail
