// Prometheus' promqltest scripts (promql/promqltest/README.md in Prometheus) as plain data:
// `load` blocks of series, `clear`, and `eval` commands with what they expect. The parser
// follows promqltest's own: lines are trimmed, a comment line ends a block like a blank one,
// and the deprecated forms (eval_fail, eval_ordered, expected_fail_message …) mean what the
// newer `expect` lines mean. Syntax this parser does not know (a new command or expect kind)
// becomes a skip with a reason, not an error. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alerts/conformance/series_notation.h"
#include "vitals/common/error.h"

namespace vitals::conformance {

// `load 1m` (or `load_with_nhcb 5m`) and its series lines. Points are at 0, interval, …
struct LoadCommand {
  std::int64_t interval_ms = 0;
  bool with_nhcb = false;  // classic histograms are also loaded as native ones with custom buckets
  std::vector<SeriesDescription> series{};
  // The series given start timestamps by an `@st` line; an empty label set: every series.
  std::vector<LabelPairs> start_timestamps{};
};

struct ClearCommand {};

// One expected series: an instant query's sample (one value) or a range result's points.
struct ExpectedSeries {
  LabelPairs labels{};
  SeriesValues values{};
  int line = 0;
};

// `expect fail`: any error, or one whose message equals `message` or matches `regex`.
struct ExpectedFailure {
  std::optional<std::string> message{};
  std::optional<std::string> regex{};  // RE2 syntax, matched anywhere in the message
};

struct RangeSpec {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::int64_t step_ms = 0;
};

struct EvalCommand {
  enum class Kind : std::uint8_t { Instant, Range };
  Kind kind = Kind::Instant;
  std::string expr{};
  std::int64_t time_ms = 0;  // an instant query's evaluation time
  RangeSpec range{};         // a range query's times
  std::optional<ExpectedFailure> fail{};
  bool ordered = false;
  bool warn = false;     // eval_warn or `expect warn`
  bool info = false;     // eval_info or `expect info`
  bool no_warn = false;  // `expect no_warn`
  bool no_info = false;  // `expect no_info`
  // `expect range vector from … to … step …`: an instant query returning a range vector, its
  // expected points at these times.
  std::optional<RangeSpec> range_vector{};
  std::optional<SeriesValue> scalar{};   // a bare number line
  std::optional<std::string> string{};   // `expect string "…"`
  std::vector<ExpectedSeries> series{};  // in the order written (for `ordered`)
  std::string unsupported{};             // non-empty: syntax this parser does not know
};

// A command this parser does not know, kept so the runner can count it as skipped.
struct SkipCommand {
  std::string reason{};
};

struct Command {
  int line = 0;  // 1-based, of the command's first line
  std::variant<LoadCommand, ClearCommand, EvalCommand, SkipCommand> body{};
};

struct TestFile {
  std::string name{};  // as given, for messages
  std::vector<Command> commands{};
};

// InvalidArgument with the file name and line for malformed syntax.
Result<TestFile> parse_test_file(std::string_view text, std::string name = {});
// NotFound when the file cannot be read.
Result<TestFile> read_test_file(const std::string& path);

}  // namespace vitals::conformance
