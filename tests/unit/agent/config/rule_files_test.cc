#include <doctest/doctest.h>

#include <filesystem>

#include "agent/config/config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"
#include "tests/unit/agent/config/config_test_support.h"

using vitals::expand_rule_files;
using vitals::testing::TempDir;

TEST_CASE("rule file patterns expand to the matching files, sorted") {
  TempDir dir;
  std::filesystem::create_directory(dir.file("alerts"));
  dir.write_file("alerts/b.yml", "groups: []\n");
  dir.write_file("alerts/a.yml", "groups: []\n");
  dir.write_file("alerts/a_test.txt", "");
  std::string path = dir.write_file("vitals.yml", "rule_files: [alerts/*.yml, alerts/a.yml]\n");
  auto config = vitals::load_config(path);
  REQUIRE_MESSAGE(config, vitals::testing::why(config));
  // a.yml matches both patterns and is listed once.
  CHECK(expand_rule_files(*config) ==
        std::vector<std::string>{dir.file("alerts/a.yml"), dir.file("alerts/b.yml")});
}

TEST_CASE(
    "a rule file without wildcards is kept even when missing, a wildcard matching nothing "
    "is not") {
  TempDir dir;
  std::string path = dir.write_file("vitals.yml", "rule_files:\n  - none/*.yml\n  - gone.yml\n");
  auto config = vitals::load_config(path);
  REQUIRE_MESSAGE(config, vitals::testing::why(config));
  CHECK(vitals::expand_rule_pattern(config->rule_files[0]).empty());
  CHECK(expand_rule_files(*config) == std::vector<std::string>{dir.file("gone.yml")});
  // The caller can point at the entry when it cannot read the file.
  CHECK(config->rule_files[1].where.line == 3);
  CHECK(config->rule_files[1].where.column == 5);
}

TEST_CASE("absolute rule file patterns are kept as written") {
  auto config = vitals::parse_config("rule_files: [/etc/rules/*.yml]\n", "/srv/vitals.yml");
  REQUIRE_MESSAGE(config, vitals::testing::why(config));
  CHECK(config->rule_files[0].path == "/etc/rules/*.yml");
}

TEST_CASE("a rule file entry that is not a name is reported at the entry") {
  CHECK(vitals::testing::error_of("rule_files: [a.yml, {b: c}]\n") ==
        "vitals.yml:1:21: rule_files[1]: expected a file name or glob pattern, got a mapping");
}
