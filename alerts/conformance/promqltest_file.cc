#include "alerts/conformance/promqltest_file.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace vitals::conformance {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The next whitespace-separated word of s; s keeps what follows, its leading spaces dropped.
std::string_view next_word(std::string_view& s) {
  s = trim(s);
  std::size_t n = 0;
  while (n < s.size() && !is_space(s[n])) ++n;
  std::string_view word = s.substr(0, n);
  s = trim(s.substr(n));
  return word;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// promqltest's lines: trimmed, comment lines blank.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (true) {
    const std::size_t end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    lines.push_back(line.starts_with('#') ? std::string_view() : line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

class FileParser {
 public:
  FileParser(std::string_view text, std::string name)
      : lines_(split_lines(text)), name_(std::move(name)) {}

  Result<TestFile> parse() {
    TestFile file{.name = name_};
    for (i_ = 0; i_ < lines_.size(); ++i_) {
      const std::string_view line = lines_[i_];
      if (line.empty()) continue;
      std::string_view rest = line;
      const std::string word = lower(next_word(rest));
      const int at = static_cast<int>(i_) + 1;
      Result<Command> command = Command{at, ClearCommand{}};
      if (word.starts_with("load")) {
        command = parse_load(word, rest);
      } else if (word.starts_with("eval")) {
        command = parse_eval(word, rest);
      } else if (word != "clear") {
        command = skip_block("unknown command " + word);
      }
      if (!command) return tl::unexpected(command.error());
      command->line = at;
      file.commands.push_back(std::move(*command));
    }
    return file;
  }

 private:
  tl::unexpected<Error> error(std::size_t index, std::string message) const {
    return make_error(ErrorCode::InvalidArgument, std::move(message),
                      SourceLocation{name_, static_cast<int>(index) + 1, 1});
  }
  tl::unexpected<Error> error(std::size_t index, const Error& cause) const {
    return error(index, cause.message);
  }

  // The next line of the current block, or none at a blank line or the end (not consumed).
  std::optional<std::string_view> next_block_line() {
    if (i_ + 1 >= lines_.size() || lines_[i_ + 1].empty()) return std::nullopt;
    return lines_[++i_];
  }

  Result<Command> skip_block(std::string reason) {
    while (next_block_line()) {
    }
    return Command{0, SkipCommand{std::move(reason)}};
  }

  Result<std::int64_t> duration(std::string_view text) const {
    auto ms = parse_duration_ms(text);
    if (!ms) return error(i_, "invalid duration \"" + std::string(text) + "\"");
    return ms;
  }

  Result<Command> parse_load(const std::string& word, std::string_view rest) {
    if (word != "load" && word != "load_with_nhcb") return skip_block("unknown command " + word);
    const std::size_t header = i_;
    auto interval = duration(next_word(rest));
    if (!interval) return tl::unexpected(interval.error());
    if (!rest.empty()) return error(header, "invalid load command, expected load <interval>");
    LoadCommand load{.interval_ms = *interval, .with_nhcb = word == "load_with_nhcb"};
    while (auto line = next_block_line()) {
      std::string_view values = *line;
      const std::string_view first = next_word(values);
      if (first.ends_with("@st")) {
        auto parsed = parse_start_timestamps(first.substr(0, first.size() - 3));
        if (!parsed) return tl::unexpected(parsed.error());
        load.start_timestamps.push_back(std::move(*parsed));
        continue;
      }
      auto series = parse_series_description(*line);
      if (!series) return error(i_, series.error());
      load.series.push_back(std::move(*series));
    }
    return Command{0, std::move(load)};
  }

  Result<LabelPairs> parse_start_timestamps(std::string_view metric) const {
    if (metric.empty()) return LabelPairs{};
    auto labels = parse_metric(metric);
    if (!labels) return error(i_, labels.error());
    return labels;
  }

  Result<Command> parse_eval(const std::string& word, std::string_view rest) {
    static constexpr std::array<std::string_view, 5> kKinds{"eval", "eval_fail", "eval_warn",
                                                            "eval_ordered", "eval_info"};
    if (std::find(kKinds.begin(), kKinds.end(), word) == kKinds.end()) {
      return skip_block("unknown command " + word);
    }
    EvalCommand eval;
    eval.ordered = word == "eval_ordered";
    eval.warn = word == "eval_warn";
    eval.info = word == "eval_info";
    if (word == "eval_fail") eval.fail = ExpectedFailure{};
    auto header = parse_eval_header(rest, eval);
    if (!header) return tl::unexpected(header.error());
    while (auto line = next_block_line()) {
      auto done = parse_expectation(*line, eval);
      if (!done) return tl::unexpected(done.error());
      if (*done) break;
    }
    return Command{0, std::move(eval)};
  }

  Result<void> parse_eval_header(std::string_view rest, EvalCommand& eval) {
    const std::string_view kind = next_word(rest);
    if (kind == "instant") {
      if (next_word(rest) != "at") return error(i_, "expected \"at <time>\" after eval instant");
      auto at = duration(next_word(rest));
      if (!at) return tl::unexpected(at.error());
      eval.time_ms = *at;
    } else if (kind == "range") {
      eval.kind = EvalCommand::Kind::Range;
      auto range = parse_range(rest);
      if (!range) return tl::unexpected(range.error());
      eval.range = *range;
    } else {
      return error(i_, "invalid eval command, expected \"instant\" or \"range\"");
    }
    eval.expr = std::string(trim(rest));
    if (eval.expr.empty()) return error(i_, "eval command without an expression");
    return {};
  }

  // `from <t> to <t> step <d>`, leaving what follows in rest.
  Result<RangeSpec> parse_range(std::string_view& rest) const {
    std::array<std::int64_t, 3> times{};
    static constexpr std::array<std::string_view, 3> kWords{"from", "to", "step"};
    for (std::size_t k = 0; k < kWords.size(); ++k) {
      if (next_word(rest) != kWords[k]) {
        return error(i_, "expected \"from <time> to <time> step <duration>\"");
      }
      auto t = duration(next_word(rest));
      if (!t) return tl::unexpected(t.error());
      times[k] = *t;
    }
    if (times[1] < times[0]) return error(i_, "invalid test definition, end is before start");
    return RangeSpec{.start_ms = times[0], .end_ms = times[1], .step_ms = times[2]};
  }

  // One line after an eval; true when it ends the block (as promqltest's parser does).
  Result<bool> parse_expectation(std::string_view line, EvalCommand& eval) {
    for (std::string_view legacy : {"expected_fail_message", "expected_fail_regexp"}) {
      if (!line.starts_with(legacy)) continue;
      if (!eval.fail) eval.fail = ExpectedFailure{};
      std::string text(trim(line.substr(legacy.size())));
      (legacy.ends_with("message") ? eval.fail->message : eval.fail->regex) = std::move(text);
      return true;
    }
    if (line.starts_with("expect range vector")) {
      std::string_view rest = line.substr(std::string_view("expect range vector").size());
      auto range = parse_range(rest);
      if (!range) return tl::unexpected(range.error());
      if (!rest.empty()) return error(i_, "unexpected text after expect range vector");
      eval.range_vector = *range;
      return false;
    }
    if (line.starts_with("expect string")) {
      auto text = unquote(trim(line.substr(std::string_view("expect string").size())));
      if (!text) return error(i_, "expected string literal not valid: " + text.error().message);
      eval.string = std::move(*text);
      return false;
    }
    std::string_view rest = line;
    if (next_word(rest) == "expect") {
      parse_expect(rest, eval);
      return false;
    }
    if (auto number = parse_number(line)) {
      eval.scalar = SeriesValue::number(*number);
      return true;
    }
    auto series = parse_series_description(line);
    if (!series) return error(i_, series.error());
    if (series->values.size() > 1 && eval.kind == EvalCommand::Kind::Instant &&
        !eval.range_vector) {
      return error(i_, "expecting multiple values in instant evaluation not allowed");
    }
    eval.series.push_back(
        {std::move(series->labels), std::move(series->values), static_cast<int>(i_) + 1});
    return false;
  }

  // `expect <kind> [msg: text | regex: pattern]`.
  static void parse_expect(std::string_view rest, EvalCommand& eval) {
    const std::string kind(next_word(rest));
    std::optional<std::string> message;
    std::optional<std::string> regex;
    if (rest.starts_with("msg:")) {
      message = std::string(trim(rest.substr(4)));
    } else if (rest.starts_with("regex:")) {
      regex = std::string(trim(rest.substr(6)));
    } else if (!rest.empty()) {
      eval.unsupported = "expect " + kind + " " + std::string(rest);
      return;
    }
    if (kind == "fail") {
      eval.fail = ExpectedFailure{.message = std::move(message), .regex = std::move(regex)};
    } else if (kind == "ordered") {
      eval.ordered = true;
    } else if (kind == "warn") {
      eval.warn = true;
    } else if (kind == "info") {
      eval.info = true;
    } else if (kind == "no_warn") {
      eval.no_warn = true;
    } else if (kind == "no_info") {
      eval.no_info = true;
    } else {
      eval.unsupported = "expect " + kind;
    }
  }

  std::vector<std::string_view> lines_;
  std::string name_;
  std::size_t i_ = 0;  // the line being read
};

}  // namespace

Result<TestFile> parse_test_file(std::string_view text, std::string name) {
  return FileParser(text, std::move(name)).parse();
}

Result<TestFile> read_test_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::NotFound, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_test_file(text.str(), std::filesystem::path(path).filename().string());
}

}  // namespace vitals::conformance
