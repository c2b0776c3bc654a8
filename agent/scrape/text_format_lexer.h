// The tokens of one exposition line (names, label sets, numbers, timestamps, escaped text) for
// text_format_parser.cc, defined in text_format_lexer.cc and text_format_numbers.cc. Errors are
// bare messages; the parser prefixes the line number.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "agent/scrape/text_format_parser.h"

namespace vitals::detail {

template <class T>
using Lexed = tl::expected<T, std::string>;

inline tl::unexpected<std::string> lex_error(std::string message) {
  return tl::unexpected<std::string>(std::move(message));
}

// A position in one line (without its '\n').
struct Cursor {
  const char* pos = nullptr;
  const char* end = nullptr;

  explicit Cursor(std::string_view line) : pos(line.data()), end(line.data() + line.size()) {}
  bool done() const { return pos == end; }
  char peek() const { return pos == end ? '\0' : *pos; }
  bool at(char c) const { return pos != end && *pos == c; }
  std::string_view rest() const { return {pos, static_cast<std::size_t>(end - pos)}; }
  // Skips spaces and tabs; returns how many.
  std::size_t skip_blanks() {
    const char* begin = pos;
    while (pos != end && (*pos == ' ' || *pos == '\t')) ++pos;
    return static_cast<std::size_t>(pos - begin);
  }
  // The run of characters up to the next space (and tab, unless `tab_is_text`) or the end.
  std::string_view take_token(bool tab_is_text = false) {
    const char* begin = pos;
    while (pos != end && *pos != ' ' && (tab_is_text || *pos != '\t')) ++pos;
    return {begin, static_cast<std::size_t>(pos - begin)};
  }
};

// Name characters by class, one table lookup per byte (names are most of a body).
enum : std::uint8_t { kMetricStart = 1, kMetricChar = 2, kLabelStart = 4, kLabelChar = 8 };

constexpr std::array<std::uint8_t, 256> make_char_classes() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alpha || c == '_') classes[c] = kMetricStart | kMetricChar | kLabelStart | kLabelChar;
    if (c >= '0' && c <= '9') classes[c] = kMetricChar | kLabelChar;
    if (c == ':') classes[c] = kMetricStart | kMetricChar;
  }
  return classes;
}

inline constexpr std::array<std::uint8_t, 256> kCharClasses = make_char_classes();

inline bool in_class(char c, std::uint8_t char_class) {
  return (kCharClasses[static_cast<unsigned char>(c)] & char_class) != 0;
}

inline std::string_view read_name(Cursor& cursor, std::uint8_t first, std::uint8_t rest) {
  const char* begin = cursor.pos;
  if (cursor.done() || !in_class(*cursor.pos, first)) return {};
  ++cursor.pos;
  while (cursor.pos != cursor.end && in_class(*cursor.pos, rest)) ++cursor.pos;
  return {begin, static_cast<std::size_t>(cursor.pos - begin)};
}

// [a-zA-Z_:][a-zA-Z0-9_:]*, or empty (cursor unmoved) when none starts here.
inline std::string_view read_metric_name(Cursor& cursor) {
  return read_name(cursor, kMetricStart, kMetricChar);
}
// [a-zA-Z_][a-zA-Z0-9_]*, or empty.
inline std::string_view read_label_name(Cursor& cursor) {
  return read_name(cursor, kLabelStart, kLabelChar);
}
bool is_metric_name(std::string_view text);
// *[a-zA-Z0-9_:], as an OpenMetrics UNIT.
bool is_metric_name_chars(std::string_view text);
// Up to 40 characters from the cursor up to a character in `stops`, quoted for a message.
std::string quoted_token(const Cursor& cursor, std::string_view stops = " \t");

// The next OpenMetrics field: one space, then the run of characters up to a space. `what`
// names the field in messages ("value", "timestamp").
Lexed<std::string_view> next_field(Cursor& cursor, std::string_view what);
// After a line's last OpenMetrics field: anything left (`after` names the field) is an error.
Lexed<void> end_of_line(Cursor& cursor, std::string_view after);

// Reads `{name="value",…}` with the cursor on '{'. The views stay valid until the next read.
class LabelSetReader {
 public:
  Lexed<std::span<const LabelView>> read(Cursor& cursor, ExpositionFormat format);

 private:
  struct Unescaped {
    std::size_t label = 0;
    std::size_t offset = 0;  // into unescaped_
    std::size_t size = 0;
  };
  Lexed<void> read_label(Cursor& cursor, bool text_format);
  Lexed<std::string_view> read_value(Cursor& cursor, std::string_view name, bool text_format);
  Lexed<void> unescape(std::string_view raw, bool text_format);

  std::vector<LabelView> labels_{};
  std::string unescaped_{};  // values that held escapes, patched into labels_ at the end
  std::vector<Unescaped> patches_{};
};

// A sample value as Go's strconv.ParseFloat reads it for Prometheus: decimal with optional
// sign, fraction and exponent; Inf/Infinity with optional sign and NaN, in any case. No hex,
// no underscores, nothing out of float64's range. NaN comes back as kScrapedNaNBits.
std::optional<double> parse_sample_value(std::string_view text);
// A text-format timestamp: an int64 of milliseconds, optionally signed.
std::optional<std::int64_t> parse_millis_timestamp(std::string_view text);
// An OpenMetrics timestamp: a real number of seconds, returned as milliseconds (digits past the
// millisecond are cut, as Prometheus' int64(ts*1000) means to; exponent forms round).
std::optional<std::int64_t> parse_seconds_timestamp(std::string_view text);

bool is_valid_utf8(std::string_view text);
// Code points, for OpenMetrics' 128-character exemplar limit.
std::size_t count_code_points(std::string_view text);

// HELP text: `\\` and `\n` in both formats, `\"` too in OpenMetrics; any other backslash is
// kept as written (Prometheus does the same).
void unescape_help(std::string_view raw, ExpositionFormat format, std::string& out);

}  // namespace vitals::detail
