#include "alerts/conformance/promqltest_file.h"

#include <cmath>
#include <filesystem>

#include <doctest/doctest.h>

#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals::conformance {
namespace {

TestFile parse(std::string_view text) {
  auto file = parse_test_file(text, "inline.test");
  REQUIRE_MESSAGE(file, why(file));
  return std::move(*file);
}

const EvalCommand& eval_at(const TestFile& file, std::size_t index) {
  REQUIRE(index < file.commands.size());
  const auto* eval = std::get_if<EvalCommand>(&file.commands[index].body);
  REQUIRE(eval != nullptr);
  return *eval;
}

TEST_CASE("a load block reads its interval and series until a blank line") {
  const TestFile file = parse(R"(
# A comment.
load 5m
  http_requests{job="api"} 0+10x2
  other 1 _ stale

clear
)");
  REQUIRE(file.commands.size() == 2);
  CHECK(file.commands[0].line == 3);
  const auto& load = std::get<LoadCommand>(file.commands[0].body);
  CHECK(load.interval_ms == 300'000);
  CHECK(!load.with_nhcb);
  REQUIRE(load.series.size() == 2);
  CHECK(load.series[0].values.size() == 3);
  CHECK(load.series[1].values[2].kind == SeriesValue::Kind::Stale);
  CHECK(std::holds_alternative<ClearCommand>(file.commands[1].body));
  CHECK(file.commands[1].line == 7);
}

TEST_CASE("load_with_nhcb and start-timestamp lines are kept for the skip rules") {
  const TestFile file = parse(R"(load_with_nhcb 1m
  h_bucket{le="1"} 0+1x3
  cumulative{type="st"}@st _ -30s-1mx2
  cumulative{type="st"} 0+60x2
  @st -1mx2
)");
  const auto& load = std::get<LoadCommand>(file.commands.at(0).body);
  CHECK(load.with_nhcb);
  CHECK(load.series.size() == 2);
  REQUIRE(load.start_timestamps.size() == 2);
  CHECK(load.start_timestamps[0] == LabelPairs{{"__name__", "cumulative"}, {"type", "st"}});
  CHECK(load.start_timestamps[1].empty());
}

TEST_CASE("an instant eval reads its time, expression and expected samples") {
  const TestFile file = parse(R"(eval instant at 50m sum by (job) (http_requests)
  {job="api"} 30
  {job="app"} -Inf
)");
  const EvalCommand& eval = eval_at(file, 0);
  CHECK(eval.kind == EvalCommand::Kind::Instant);
  CHECK(eval.time_ms == 3'000'000);
  CHECK(eval.expr == "sum by (job) (http_requests)");
  REQUIRE(eval.series.size() == 2);
  CHECK(eval.series[0].labels == LabelPairs{{"job", "api"}});
  CHECK(eval.series[0].line == 2);
  CHECK(eval.series[1].values.at(0).value == -INFINITY);
  CHECK(!eval.fail);
  CHECK(!eval.ordered);
}

TEST_CASE("a range eval reads from, to, step and the expected points of each series") {
  const TestFile file = parse(R"(eval range from 0 to 10m step 5m rate(x[5m])
  x{a="b"} 1 _ 2x0
)");
  const EvalCommand& eval = eval_at(file, 0);
  CHECK(eval.kind == EvalCommand::Kind::Range);
  CHECK(eval.range.start_ms == 0);
  CHECK(eval.range.end_ms == 600'000);
  CHECK(eval.range.step_ms == 300'000);
  CHECK(eval.expr == "rate(x[5m])");
  REQUIRE(eval.series.size() == 1);
  CHECK(eval.series[0].values.size() == 3);
}

TEST_CASE("a bare number expects a scalar and ends the block") {
  const TestFile file = parse("eval instant at 0 1 + 1\n  2\nclear\n");
  REQUIRE(file.commands.size() == 2);
  const EvalCommand& eval = eval_at(file, 0);
  REQUIRE(eval.scalar);
  CHECK(eval.scalar->value == 2);
  CHECK(eval.series.empty());
}

TEST_CASE("expect lines set failure, order, annotations, strings and range vectors") {
  const TestFile file = parse(R"(eval instant at 1m foo
  expect fail msg: something went wrong

eval instant at 1m foo
  expect fail regex: went (wrong|right)

eval instant at 1m sort(foo)
  expect ordered
  expect no_warn
  expect no_info
  foo{a="1"} 1

eval instant at 1m foo
  expect warn
  expect info regex: PromQL info: .*

eval instant at 1m "Foo"
  expect string "Foo"

eval instant at 1m foo[1m]
  expect range vector from 0 to 1m step 30s
  foo 1 2 3

eval instant at 1m foo
  expect surprise
)");
  REQUIRE(file.commands.size() == 7);
  const EvalCommand& message = eval_at(file, 0);
  REQUIRE(message.fail);
  CHECK(message.fail->message == "something went wrong");
  CHECK(!message.fail->regex);
  CHECK(eval_at(file, 1).fail->regex == "went (wrong|right)");
  const EvalCommand& ordered = eval_at(file, 2);
  CHECK(ordered.ordered);
  CHECK(ordered.no_warn);
  CHECK(ordered.no_info);
  CHECK(!ordered.warn);
  CHECK(ordered.series.size() == 1);
  CHECK(eval_at(file, 3).warn);
  CHECK(eval_at(file, 3).info);
  CHECK(eval_at(file, 4).string == "Foo");
  const EvalCommand& range = eval_at(file, 5);
  REQUIRE(range.range_vector);
  CHECK(range.range_vector->end_ms == 60'000);
  CHECK(range.range_vector->step_ms == 30'000);
  CHECK(range.series.at(0).values.size() == 3);
  CHECK(eval_at(file, 6).unsupported == "expect surprise");
}

TEST_CASE("the deprecated eval_* forms and expected_fail_* lines mean the same") {
  const TestFile file = parse(R"(eval_fail instant at 0 foo
  expected_fail_message bad thing

eval_fail range from 0 to 1m step 1m foo
  expected_fail_regexp bad.*

eval_ordered instant at 0 sort(foo)
  foo 1

eval_warn instant at 0 foo

eval_info instant at 0 foo
)");
  CHECK(eval_at(file, 0).fail->message == "bad thing");
  CHECK(eval_at(file, 1).fail->regex == "bad.*");
  CHECK(eval_at(file, 1).kind == EvalCommand::Kind::Range);
  CHECK(eval_at(file, 2).ordered);
  CHECK(eval_at(file, 3).warn);
  CHECK(eval_at(file, 4).info);
}

TEST_CASE("a comment line ends a block, as in promqltest") {
  const TestFile file = parse(R"(eval instant at 0 foo
  foo 1
# the next line is a new command
eval instant at 0 bar
)");
  REQUIRE(file.commands.size() == 2);
  CHECK(eval_at(file, 0).series.size() == 1);
  CHECK(eval_at(file, 1).expr == "bar");
}

TEST_CASE("unknown commands become skips with a reason") {
  const TestFile file = parse(R"(load_sideways 1m
  foo 1

eval_sometimes instant at 0 foo
  foo 1

clear
)");
  REQUIRE(file.commands.size() == 3);
  CHECK(std::get<SkipCommand>(file.commands[0].body).reason == "unknown command load_sideways");
  CHECK(std::get<SkipCommand>(file.commands[1].body).reason == "unknown command eval_sometimes");
  CHECK(std::holds_alternative<ClearCommand>(file.commands[2].body));
}

TEST_CASE("malformed commands are errors naming the file and line") {
  for (std::string_view text :
       {"load\n", "load 5x\n", "eval instant 0 foo\n", "eval range from 1m to 0 step 1m foo\n",
        "eval instant at 0\n", "eval instant at 0 foo\n  foo 1 2\n", "load 1m\n  foo{ 1\n"}) {
    CAPTURE(text);
    auto file = parse_test_file(text, "bad.test");
    REQUIRE(!file);
    REQUIRE(file.error().where);
    CHECK(file.error().where->file == "bad.test");
  }
  auto file = parse_test_file("\n\nload 1m\n  foo{ 1\n", "bad.test");
  REQUIRE(!file);
  CHECK(file.error().where->line == 4);
}

TEST_CASE("every Prometheus test file in the conformance folder parses") {
  const std::filesystem::path dir = std::filesystem::path(VITALS_CONFORMANCE_DIR) / "promql";
  if (!std::filesystem::is_directory(dir)) {
    MESSAGE("conformance folder " << dir.string() << " not found: skipped");
    return;
  }
  int files = 0;
  int evals = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    auto file = read_test_file(entry.path().string());
    REQUIRE_MESSAGE(file, why(file));
    ++files;
    for (const Command& command : file->commands) {
      CHECK_MESSAGE(!std::holds_alternative<SkipCommand>(command.body),
                    file->name << ":" << command.line);
      if (const auto* eval = std::get_if<EvalCommand>(&command.body)) {
        ++evals;
        CHECK_MESSAGE(eval->unsupported.empty(), file->name << ":" << command.line);
      }
    }
  }
  CHECK(files >= 20);
  CHECK(evals >= 2000);
}

}  // namespace
}  // namespace vitals::conformance
