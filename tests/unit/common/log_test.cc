#include "vitals/common/log.h"

#include <doctest/doctest.h>

using vitals::log::Format;
using vitals::log::Level;

TEST_CASE("logfmt lines quote only the values that need it") {
  std::string line = vitals::log::format_line(
      Format::Logfmt, "2026-01-01T00:00:00.000Z", Level::Warn, "reload refused",
      {{"file", "vitals.yml"}, {"reason", "vitals.yml:3:5: unknown key \"x\""}, {"empty", ""}});
  CHECK(line ==
        "ts=2026-01-01T00:00:00.000Z level=warn msg=\"reload refused\" file=vitals.yml "
        "reason=\"vitals.yml:3:5: unknown key \\\"x\\\"\" empty=\"\"\n");
}

TEST_CASE("JSON lines escape quotes and control characters") {
  std::string line =
      vitals::log::format_line(Format::Json, "t", Level::Info, "a\"b\n", {{"k", "tab\there"}});
  CHECK(line ==
        "{\"ts\":\"t\",\"level\":\"info\",\"msg\":\"a\\\"b\\n\",\"k\":\"tab\\u0009here\"}\n");
}

TEST_CASE("level and format names parse, unknown ones do not") {
  Level level{};
  Format format{};
  CHECK(vitals::log::parse_level("debug", level));
  CHECK(level == Level::Debug);
  CHECK_FALSE(vitals::log::parse_level("verbose", level));
  CHECK(vitals::log::parse_format("json", format));
  CHECK(format == Format::Json);
  CHECK_FALSE(vitals::log::parse_format("xml", format));
}

TEST_CASE("empty fields can be left out of a line") {
  std::string line = vitals::log::format_line(Format::Logfmt, "t", Level::Info, "m",
                                              {{"a", ""}, {"b", "x"}}, vitals::log::OmitEmpty::Yes);
  CHECK(line == "ts=t level=info msg=m b=x\n");
}
