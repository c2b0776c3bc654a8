#include "agent/scrape/text_format_parser.h"

#include <array>
#include <cstring>
#include <span>
#include <string>
#include <unordered_set>

#include "agent/scrape/text_format_families.h"
#include "agent/scrape/text_format_lexer.h"

namespace vitals {
namespace detail {
namespace {

// OpenMetrics caps an exemplar's label names and values at 128 code points together.
constexpr std::size_t kMaxExemplarCodePoints = 128;

enum class Descriptor : std::uint8_t { Help, Type, Unit };

// How each descriptor line starts, by Descriptor.
constexpr std::string_view kDescriptorPrefixes[] = {"# HELP ", "# TYPE ", "# UNIT "};

// "# HELP", for messages.
std::string descriptor_name(Descriptor kind) {
  return std::string(kDescriptorPrefixes[static_cast<int>(kind)].substr(0, 6));
}

struct FamilyState {
  std::string_view name{};
  MetricType type = MetricType::Unknown;
  std::string_view help{};
  std::string_view unit{};
  std::array<bool, 3> seen = {false, false, false};  // by Descriptor
  bool metadata_pending = false;
  bool has_samples = false;
};

// One parse of one body; keeps its buffers between lines so a sample costs no allocation.
class ExpositionParser {
 public:
  ExpositionParser(ExpositionFormat format, ExpositionVisitor& visitor, const ParseLimits& limits)
      : format_(format), visitor_(visitor), limits_(limits) {}

  Result<ParseStats> parse(std::string_view body);

 private:
  bool text_format() const { return format_ == ExpositionFormat::PrometheusText; }
  Result<ParseStats> fail(std::string message) const;

  Lexed<void> parse_line(std::string_view line);
  Lexed<void> parse_text_comment(Cursor cursor);
  Lexed<void> parse_openmetrics_comment(std::string_view line);
  Lexed<void> parse_descriptor(Descriptor kind, Cursor cursor);
  Lexed<void> enter_family(std::string_view name, Descriptor kind);
  Lexed<void> start_family(std::string_view name);
  Lexed<void> set_type(std::string_view text);
  Lexed<void> set_help(std::string_view text);
  Lexed<void> set_unit(std::string_view text);
  void flush_metadata();

  Lexed<void> parse_sample(Cursor cursor);
  bool take_expected_series(Cursor& cursor, ParsedSample& sample) const;
  Lexed<void> read_series(Cursor& cursor, ParsedSample& sample);
  Lexed<void> read_text_value(Cursor& cursor, ParsedSample& sample, bool had_labels);
  Lexed<void> read_openmetrics_value(Cursor& cursor, ParsedSample& sample);
  Lexed<void> read_exemplar(Cursor& cursor, ParsedSample& sample);
  Lexed<void> assign_family(ParsedSample& sample);
  Lexed<void> visit(const ParsedSample& sample);

  ExpositionFormat format_;
  ExpositionVisitor& visitor_;
  ParseLimits limits_;
  ParseStats stats_{};
  FamilyState family_{};
  bool has_family_ = false;
  bool eof_seen_ = false;
  bool error_names_no_line_ = false;
  std::string help_{};  // unescaped HELP of the current family
  LabelSetReader labels_{};
  LabelSetReader exemplar_labels_{};
  ParsedExemplar exemplar_{};
  std::unordered_set<std::string_view> closed_families_{};  // OpenMetrics only
};

Result<ParseStats> ExpositionParser::parse(std::string_view body) {
  const char* pos = body.data();
  const char* end = pos + body.size();
  while (pos != end) {
    const auto* newline = static_cast<const char*>(std::memchr(pos, '\n', end - pos));
    const char* line_end = newline != nullptr ? newline : end;
    ++stats_.lines;
    auto parsed = parse_line({pos, static_cast<std::size_t>(line_end - pos)});
    if (!parsed) return fail(std::move(parsed.error()));
    pos = newline != nullptr ? newline + 1 : end;
  }
  if (!text_format() && !eof_seen_) {
    ++stats_.lines;
    return fail("missing \"# EOF\" at the end (OpenMetrics requires it)");
  }
  flush_metadata();
  return stats_;
}

Result<ParseStats> ExpositionParser::fail(std::string message) const {
  if (!error_names_no_line_) message = "line " + std::to_string(stats_.lines) + ": " + message;
  return make_error(ErrorCode::InvalidArgument, std::move(message));
}

Lexed<void> ExpositionParser::parse_line(std::string_view line) {
  if (eof_seen_) return lex_error("unexpected content after \"# EOF\"");
  if (line.ends_with('\r')) return lex_error("carriage return before the line feed");
  Cursor cursor(line);
  if (text_format()) {
    // Blank lines are skipped, and blanks around tokens are free.
    cursor.skip_blanks();
    if (cursor.done()) return {};
    return cursor.at('#') ? parse_text_comment(cursor) : parse_sample(cursor);
  }
  if (line.empty()) return lex_error("empty line (OpenMetrics allows none)");
  if (line[0] == '#') return parse_openmetrics_comment(line);
  if (line[0] == ' ' || line[0] == '\t') return lex_error("leading whitespace");
  return parse_sample(cursor);
}

// "# HELP name text" and "# TYPE name type"; any other line starting with '#' is a comment,
// including "# EOF" and "# UNIT", which the text format does not know.
Lexed<void> ExpositionParser::parse_text_comment(Cursor cursor) {
  ++cursor.pos;
  if (cursor.skip_blanks() == 0) return {};
  const std::string_view word = cursor.take_token();
  if (word != "HELP" && word != "TYPE") return {};
  if (cursor.skip_blanks() == 0) return {};  // "# HELP" alone is a comment, as in Prometheus
  return parse_descriptor(word == "HELP" ? Descriptor::Help : Descriptor::Type, cursor);
}

Lexed<void> ExpositionParser::parse_openmetrics_comment(std::string_view line) {
  if (line == "# EOF") {
    eof_seen_ = true;
    return {};
  }
  for (Descriptor kind : {Descriptor::Help, Descriptor::Type, Descriptor::Unit}) {
    const std::string_view prefix = kDescriptorPrefixes[static_cast<int>(kind)];
    if (line.starts_with(prefix)) return parse_descriptor(kind, Cursor(line.substr(prefix.size())));
  }
  return lex_error("unexpected comment (OpenMetrics allows only # HELP, # TYPE, # UNIT, # EOF)");
}

Lexed<void> ExpositionParser::parse_descriptor(Descriptor kind, Cursor cursor) {
  const char* start = cursor.pos;
  const std::string_view name = read_metric_name(cursor);
  const bool separated = text_format() ? cursor.skip_blanks() > 0 : cursor.at(' ');
  if (name.empty() || (!separated && !cursor.done())) {
    cursor.pos = start;
    return lex_error("expected a metric name after " + descriptor_name(kind) + ", got " +
                     quoted_token(cursor));
  }
  if (!text_format() && !separated) {
    return lex_error("expected a space after the metric name in " + descriptor_name(kind));
  }
  if (!text_format()) ++cursor.pos;
  std::string_view text = cursor.rest();
  if (text_format()) {
    while (text.ends_with(' ') || text.ends_with('\t')) text.remove_suffix(1);
  }
  if (auto entered = enter_family(name, kind); !entered) return entered;
  family_.seen[static_cast<int>(kind)] = true;
  family_.metadata_pending = true;
  switch (kind) {
    case Descriptor::Type:
      return set_type(text);
    case Descriptor::Help:
      return set_help(text);
    case Descriptor::Unit:
      return set_unit(text);
  }
  return {};
}

Lexed<void> ExpositionParser::enter_family(std::string_view name, Descriptor kind) {
  if (!has_family_ || name != family_.name) return start_family(name);
  if (text_format()) {
    // Prometheus lets a later HELP or TYPE line replace the earlier one.
    family_.has_samples = false;
    return {};
  }
  if (family_.has_samples) {
    return lex_error(descriptor_name(kind) + " " + std::string(name) +
                     " after the family's samples");
  }
  if (family_.seen[static_cast<int>(kind)]) {
    return lex_error("second " + descriptor_name(kind) + " " + std::string(name) + " line");
  }
  return {};
}

// OpenMetrics families must not be interleaved, so a closed family never opens again.
Lexed<void> ExpositionParser::start_family(std::string_view name) {
  flush_metadata();
  if (!text_format()) {
    if (has_family_) closed_families_.insert(family_.name);
    if (closed_families_.contains(name)) {
      return lex_error("metric family \"" + std::string(name) +
                       "\" appears again (a family's lines must be together)");
    }
  }
  family_ = FamilyState{.name = name};
  has_family_ = true;
  return {};
}

Lexed<void> ExpositionParser::set_type(std::string_view text) {
  Cursor cursor(text);
  const std::string_view word = text_format() ? cursor.take_token() : text;
  if (word.empty()) return lex_error("missing the type in # TYPE");
  if (text_format() && (cursor.skip_blanks(), !cursor.done())) {
    return lex_error("unexpected " + quoted_token(cursor) + " after the type in # TYPE");
  }
  const std::optional<MetricType> type = type_from_name(word, format_);
  if (!type) {
    return lex_error("invalid metric type \"" + std::string(word) + "\" (expected " +
                     (text_format() ? "counter, gauge, histogram, summary or untyped)"
                                    : "counter, gauge, histogram, gaugehistogram, summary, info, "
                                      "stateset or unknown)"));
  }
  family_.type = *type;
  return {};
}

Lexed<void> ExpositionParser::set_help(std::string_view text) {
  if (!is_valid_utf8(text)) return lex_error("invalid UTF-8 in # HELP");
  if (text.find('\\') == std::string_view::npos) {
    family_.help = text;
    return {};
  }
  unescape_help(text, format_, help_);
  family_.help = help_;
  return {};
}

Lexed<void> ExpositionParser::set_unit(std::string_view text) {
  const std::string_view name = family_.name;
  if (!is_metric_name_chars(text)) return lex_error("invalid unit \"" + std::string(text) + "\"");
  if (!text.empty() && !(name.size() > text.size() && name.ends_with(text) &&
                         name[name.size() - text.size() - 1] == '_')) {
    return lex_error("unit \"" + std::string(text) + "\" is not the suffix of the metric name \"" +
                     std::string(name) + "\"");
  }
  family_.unit = text;
  return {};
}

void ExpositionParser::flush_metadata() {
  if (!family_.metadata_pending) return;
  family_.metadata_pending = false;
  ++stats_.metadata;
  visitor_.on_metadata(family_.name, family_.type, family_.help, family_.unit);
}

// Most scrapes repeat the last one's series in the same order; comparing a line's start with
// the series expected there costs a fraction of reading its labels again.
bool ExpositionParser::take_expected_series(Cursor& cursor, ParsedSample& sample) const {
  const std::string_view expected = visitor_.expected_series(stats_.samples);
  const std::string_view rest = cursor.rest();
  if (expected.empty() || !rest.starts_with(expected)) return false;
  // The series must end there: a blank follows (only a space in OpenMetrics), and then no '{'
  // (which would mean the expected series was "name" and this one is "name {…}").
  std::size_t after = expected.size();
  auto blank = [&](char c) { return c == ' ' || (text_format() && c == '\t'); };
  if (after == rest.size() || !blank(rest[after])) return false;
  while (after < rest.size() && blank(rest[after])) ++after;
  if (after < rest.size() && rest[after] == '{') return false;
  Cursor name(expected);
  sample.name = read_metric_name(name);
  sample.series_text = rest.substr(0, expected.size());
  sample.expected = true;
  cursor.pos += expected.size();
  return true;
}

Lexed<void> ExpositionParser::parse_sample(Cursor cursor) {
  ParsedSample sample;
  if (!take_expected_series(cursor, sample)) {
    if (auto read = read_series(cursor, sample); !read) return read;
  }
  const bool has_labels = sample.series_text.size() != sample.name.size();
  auto read = text_format() ? read_text_value(cursor, sample, has_labels)
                            : read_openmetrics_value(cursor, sample);
  if (!read) return read;
  if (auto assigned = assign_family(sample); !assigned) return assigned;
  return visit(sample);
}

// The name and the labels, if any.
Lexed<void> ExpositionParser::read_series(Cursor& cursor, ParsedSample& sample) {
  const char* start = cursor.pos;
  sample.name = read_metric_name(cursor);
  const char next = cursor.peek();
  const bool ends_name = cursor.done() || next == ' ' || next == '\t' || next == '{';
  if (sample.name.empty() || !ends_name) {
    cursor.pos = start;
    if (cursor.at('{')) return lex_error("expected a metric name before the labels");
    return lex_error("expected a metric name, got " + quoted_token(cursor, " \t{"));
  }
  const char* series_end = cursor.pos;
  if (text_format()) cursor.skip_blanks();
  if (cursor.at('{')) {
    auto labels = labels_.read(cursor, format_);
    if (!labels) return tl::unexpected(std::move(labels.error()));
    sample.labels = *labels;
    series_end = cursor.pos;
  }
  sample.series_text = std::string_view(start, static_cast<std::size_t>(series_end - start));
  return {};
}

// value [timestamp], separated by any blanks; the timestamp is integer milliseconds.
Lexed<void> ExpositionParser::read_text_value(Cursor& cursor, ParsedSample& sample,
                                              bool had_labels) {
  cursor.skip_blanks();
  if (cursor.done()) {
    return lex_error(had_labels ? "expected a value after the labels"
                                : "expected a value after the metric name");
  }
  const std::string_view value = cursor.take_token();
  const std::optional<double> parsed = parse_sample_value(value);
  if (!parsed) return lex_error("invalid value \"" + std::string(value) + "\"");
  sample.value = *parsed;
  if (cursor.skip_blanks(), cursor.done()) return {};
  const std::string_view timestamp = cursor.take_token();
  if (timestamp == "#") return lex_error("exemplars need the OpenMetrics format");
  sample.timestamp_ms = parse_millis_timestamp(timestamp);
  if (!sample.timestamp_ms) {
    return lex_error("invalid timestamp \"" + std::string(timestamp) +
                     "\" (expected integer milliseconds)");
  }
  if (cursor.skip_blanks(), !cursor.done()) {
    return lex_error("unexpected " + quoted_token(cursor) + " after the timestamp");
  }
  return {};
}

// " value [" timestamp"] [" # {labels} value [timestamp]"]", each separated by one space.
Lexed<void> ExpositionParser::read_openmetrics_value(Cursor& cursor, ParsedSample& sample) {
  if (cursor.done()) return lex_error("expected a value after the metric name");
  const auto value = next_field(cursor, "value");
  if (!value) return tl::unexpected(value.error());
  const std::optional<double> parsed = parse_sample_value(*value);
  if (!parsed) return lex_error("invalid value \"" + std::string(*value) + "\"");
  sample.value = *parsed;
  if (cursor.done()) return {};
  if (!cursor.rest().starts_with(" #")) {
    const auto timestamp = next_field(cursor, "timestamp");
    if (!timestamp) return tl::unexpected(timestamp.error());
    sample.timestamp_ms = parse_seconds_timestamp(*timestamp);
    if (!sample.timestamp_ms) {
      return lex_error("invalid timestamp \"" + std::string(*timestamp) + "\" (expected seconds)");
    }
    if (!cursor.rest().starts_with(" #")) return end_of_line(cursor, "timestamp");
  }
  return read_exemplar(cursor, sample);
}

Lexed<void> ExpositionParser::read_exemplar(Cursor& cursor, ParsedSample& sample) {
  if (!cursor.rest().starts_with(" # {")) {
    return lex_error("expected \" # {\" to start an exemplar");
  }
  cursor.pos += 3;
  auto labels = exemplar_labels_.read(cursor, format_);
  if (!labels) return lex_error("exemplar: " + labels.error());
  std::size_t code_points = 0;
  for (const LabelView& label : *labels) {
    code_points += count_code_points(label.name) + count_code_points(label.value);
  }
  if (code_points > kMaxExemplarCodePoints) {
    return lex_error("exemplar labels have " + std::to_string(code_points) +
                     " characters, more than OpenMetrics' 128");
  }
  if (cursor.done()) return lex_error("expected a value after the exemplar's labels");
  const auto value = next_field(cursor, "exemplar value");
  if (!value) return tl::unexpected(value.error());
  const std::optional<double> parsed = parse_sample_value(*value);
  if (!parsed) return lex_error("invalid exemplar value \"" + std::string(*value) + "\"");
  exemplar_ = ParsedExemplar{.labels = *labels, .value = *parsed};
  if (!cursor.done()) {
    const auto timestamp = next_field(cursor, "exemplar timestamp");
    if (!timestamp) return tl::unexpected(timestamp.error());
    exemplar_.timestamp_ms = parse_seconds_timestamp(*timestamp);
    if (!exemplar_.timestamp_ms) {
      return lex_error("invalid exemplar timestamp \"" + std::string(*timestamp) + "\"");
    }
  }
  if (auto end = end_of_line(cursor, "exemplar"); !end) return end;
  sample.exemplar = &exemplar_;
  return {};
}

// The sample takes the current family's type when its name is the family's plus a suffix of
// that type. Otherwise it is untyped; in OpenMetrics it then opens a family of its own.
Lexed<void> ExpositionParser::assign_family(ParsedSample& sample) {
  if (has_family_ && belongs_to_family(sample.name, family_.name, family_.type, text_format())) {
    flush_metadata();
    family_.has_samples = true;
    sample.family = family_.name;
    sample.type = family_.type;
    return {};
  }
  sample.family = sample.name;
  if (text_format()) {
    flush_metadata();
    return {};
  }
  if (has_family_ && sample.name == family_.name) {
    return lex_error("sample name \"" + std::string(sample.name) + "\" does not fit its " +
                     std::string(to_string(family_.type)) + " family (expected " +
                     sample_names_of(family_.name, family_.type) + ")");
  }
  if (auto started = start_family(sample.name); !started) return started;
  family_.has_samples = true;
  return {};
}

Lexed<void> ExpositionParser::visit(const ParsedSample& sample) {
  if (limits_.max_samples != 0 && stats_.samples == limits_.max_samples) {
    error_names_no_line_ = true;
    return lex_error("sample_limit exceeded (" + std::to_string(limits_.max_samples) + ")");
  }
  ++stats_.samples;
  if (sample.exemplar != nullptr) ++stats_.exemplars;
  visitor_.on_sample(sample);
  return {};
}

}  // namespace
}  // namespace detail

Result<ParseStats> parse_exposition(std::string_view body, ExpositionFormat format,
                                    ExpositionVisitor& visitor, const ParseLimits& limits) {
  detail::ExpositionParser parser(format, visitor, limits);
  return parser.parse(body);
}

}  // namespace vitals
