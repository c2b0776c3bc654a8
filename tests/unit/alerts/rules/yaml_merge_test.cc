// YAML merge keys, resolved before the rule file is read.
#include "alerts/rules/yaml_merge.h"

#include <doctest/doctest.h>

#include <string>

using vitals::rules::detail::resolve_merge_keys;

namespace {

YAML::Node merged(const std::string& text) {
  YAML::Node root = YAML::Load(text);
  auto result = resolve_merge_keys(root, "m.yml");
  REQUIRE_MESSAGE(result, to_string(result.error()));
  return root;
}

std::string merge_error(const std::string& text) {
  auto result = resolve_merge_keys(YAML::Load(text), "m.yml");
  return result ? "no error" : to_string(result.error());
}

}  // namespace

TEST_CASE("a merge key brings in the aliased mapping's keys, and the mapping's own keys win") {
  YAML::Node root = merged("base: &b {a: 1, b: 2}\nuse: {b: 3, <<: *b, c: 4}\n");
  YAML::Node use = root["use"];
  CHECK(use.size() == 3);
  CHECK(use["a"].as<int>() == 1);
  CHECK(use["b"].as<int>() == 3);
  CHECK(use["c"].as<int>() == 4);
  CHECK_FALSE(use["<<"]);
  CHECK(root["base"].size() == 2);  // the source is left alone
}

TEST_CASE("a list of merged mappings gives earlier ones precedence") {
  YAML::Node root = merged("x: &x {a: x}\ny: &y {a: y, b: y}\nuse:\n  <<: [*x, *y]\n");
  CHECK(root["use"]["a"].as<std::string>() == "x");
  CHECK(root["use"]["b"].as<std::string>() == "y");
}

TEST_CASE("merges nest: a merged mapping may merge another itself") {
  YAML::Node root = merged("a: &a {one: 1}\nb: &b {<<: *a, two: 2}\nc: {<<: *b, three: 3}\n");
  CHECK(root["c"].size() == 3);
  CHECK(root["c"]["one"].as<int>() == 1);
  CHECK(root["b"]["one"].as<int>() == 1);
}

TEST_CASE("merge keys inside lists are resolved too") {
  YAML::Node root = merged("items:\n  - &first {k: v}\n  - {<<: *first, l: w}\n");
  CHECK(root["items"][1]["k"].as<std::string>() == "v");
}

TEST_CASE("a quoted << is an ordinary key") {
  YAML::Node root = merged("base: &b {a: 1}\nuse: {'<<': *b}\n");
  CHECK(root["use"]["<<"]["a"].as<int>() == 1);
  CHECK_FALSE(root["use"]["a"]);
}

TEST_CASE("merging something other than a mapping is refused at the value") {
  CHECK(merge_error("use:\n  <<: 3\n") ==
        "m.yml:2:7: map merge requires map or sequence of maps as the value");
  CHECK(merge_error("use:\n  <<: [{a: 1}, 2]\n") ==
        "m.yml:2:16: map merge requires map or sequence of maps as the value");
}

TEST_CASE("aliases nested to blow up expansion are refused instead of expanded") {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 9; ++k) text += ", " + prev;
    text += "]\n";
  }
  CHECK(merge_error(text).find("nests aliases too deeply") != std::string::npos);
}
