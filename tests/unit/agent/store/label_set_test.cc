#include "agent/store/label_set.h"

#include <doctest/doctest.h>

#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals::detail {
namespace {

LabelPairs normal(LabelPairs labels) {
  auto result = normalize_labels(std::move(labels));
  REQUIRE_MESSAGE(result, why(result));
  return std::move(*result);
}

TEST_CASE("a label set is sorted by name and drops labels with empty values") {
  CHECK(normal({{"job", "api"}, {"__name__", "up"}, {"zone", ""}}) ==
        LabelPairs{{"__name__", "up"}, {"job", "api"}});
}

TEST_CASE("an empty label set, an empty name or a repeated name is refused") {
  CHECK(!normalize_labels({}));
  CHECK(!normalize_labels({{"job", ""}}));
  CHECK(!normalize_labels({{"", "x"}}));
  auto repeated = normalize_labels({{"job", "a"}, {"job", "b"}});
  REQUIRE(!repeated);
  CHECK(repeated.error().message == "label name \"job\" is not unique");
}

TEST_CASE("strings are interned once, shared by label sets, and freed with the last") {
  SymbolTable symbols;
  auto a = symbols.acquire(normal({{"__name__", "up"}, {"job", "api"}}));
  auto b = symbols.acquire(normal({{"__name__", "up"}, {"job", "db"}}));
  CHECK(symbols.size() == 5);  // __name__, up, job, api, db
  CHECK(a[0] == b[0]);         // the same __name__="up" pair
  CHECK(symbols.strings(b) == LabelPairs{{"__name__", "up"}, {"job", "db"}});
  CHECK(symbols.find(normal({{"__name__", "up"}, {"job", "api"}})) == a);
  symbols.release(a);
  CHECK(symbols.size() == 4);  // "api" went; the others are still b's
  CHECK(symbols.find(normal({{"__name__", "up"}, {"job", "api"}})).empty());
  symbols.release(b);
  CHECK(symbols.size() == 0);
}

TEST_CASE("the texts of a label set stay readable after the table frees them") {
  SymbolTable symbols;
  auto set = symbols.acquire(normal({{"instance", "a-rather-long-instance-name:9100"}}));
  TextPairs texts = symbols.texts(set);
  symbols.release(set);
  CHECK(*texts[0].second == "a-rather-long-instance-name:9100");
}

}  // namespace
}  // namespace vitals::detail
