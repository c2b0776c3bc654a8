#include "agent/scrape/text_format_lexer.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace vitals::detail {
namespace {

// Nonzero when a byte of `word` equals `byte`; the lowest such byte is exact.
std::uint64_t bytes_equal(std::uint64_t word, std::uint8_t byte) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  const std::uint64_t x = word ^ (kOnes * byte);
  return (x - kOnes) & ~x & (kOnes * 0x80);
}

// The first '"' or '\\' in [pos, end), eight bytes at a time; ORs the bytes before it into
// `high`, so a value without bytes >= 0x80 skips UTF-8 validation.
const char* find_quote_or_backslash(const char* pos, const char* end, unsigned& high) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  if constexpr (std::endian::native == std::endian::little) {
    while (end - pos >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, pos, sizeof word);
      const std::uint64_t hits = bytes_equal(word, '"') | bytes_equal(word, '\\');
      if (hits != 0) {
        const int before = std::countr_zero(hits) / 8;
        high |= (word & ((std::uint64_t{1} << (8 * before)) - 1) & kHighBits) != 0 ? 0x80 : 0;
        return pos + before;
      }
      high |= (word & kHighBits) != 0 ? 0x80 : 0;
      pos += 8;
    }
  }
  while (pos != end && *pos != '"' && *pos != '\\') high |= static_cast<unsigned char>(*pos++);
  return pos;
}

}  // namespace

bool is_metric_name(std::string_view text) {
  Cursor cursor(text);
  return !read_metric_name(cursor).empty() && cursor.done();
}

bool is_metric_name_chars(std::string_view text) {
  for (char c : text) {
    if (!in_class(c, kMetricChar)) return false;
  }
  return true;
}

std::string quoted_token(const Cursor& cursor, std::string_view stops) {
  constexpr std::ptrdiff_t kMax = 40;
  const char* end = cursor.pos;
  while (end != cursor.end && stops.find(*end) == std::string_view::npos) ++end;
  if (end == cursor.pos && !cursor.done()) ++end;  // show the stop character itself
  std::string out = "\"";
  out.append(cursor.pos, std::min(end, cursor.pos + kMax));
  if (end - cursor.pos > kMax) out += "...";
  return out + "\"";
}

Lexed<std::span<const LabelView>> LabelSetReader::read(Cursor& cursor, ExpositionFormat format) {
  const bool text_format = format == ExpositionFormat::PrometheusText;
  labels_.clear();
  unescaped_.clear();
  patches_.clear();
  ++cursor.pos;  // '{'
  if (text_format) cursor.skip_blanks();
  while (!cursor.at('}')) {
    if (auto label = read_label(cursor, text_format); !label) return tl::unexpected(label.error());
    if (text_format) cursor.skip_blanks();
    if (cursor.at(',')) {
      // A trailing comma before '}' is allowed: Prometheus reads it in both formats.
      ++cursor.pos;
      if (text_format) cursor.skip_blanks();
    } else if (!cursor.at('}')) {
      return lex_error(cursor.done() ? "unterminated label set: expected \"}\""
                                     : "expected \",\" or \"}\" after the value of label \"" +
                                           std::string(labels_.back().name) + "\", got " +
                                           quoted_token(cursor));
    }
  }
  ++cursor.pos;
  // unescaped_ may have moved while it grew, so its views are made only now.
  for (const Unescaped& patch : patches_) {
    labels_[patch.label].value = std::string_view(unescaped_).substr(patch.offset, patch.size);
  }
  return std::span<const LabelView>(labels_);
}

Lexed<void> LabelSetReader::read_label(Cursor& cursor, bool text_format) {
  if (cursor.done()) return lex_error("unterminated label set: expected \"}\"");
  const char* start = cursor.pos;
  const std::string_view name = read_label_name(cursor);
  if (!text_format && (cursor.at(' ') || cursor.at('\t'))) {
    return lex_error("unexpected whitespace in the label set");
  }
  if (name.empty()) return lex_error("expected a label name, got " + quoted_token(cursor));
  if (text_format) cursor.skip_blanks();
  if (!cursor.at('=')) {
    cursor.pos = start;
    return lex_error("invalid label name " + quoted_token(cursor, "= \t,}\"") +
                     " (expected name=\"value\")");
  }
  ++cursor.pos;
  if (text_format) cursor.skip_blanks();
  auto value = read_value(cursor, name, text_format);
  if (!value) return tl::unexpected(value.error());
  if (name == "__name__")
    return lex_error("label name \"__name__\" is reserved for the metric name");
  for (const LabelView& earlier : labels_) {
    if (earlier.name == name)
      return lex_error("duplicate label name \"" + std::string(name) + "\"");
  }
  labels_.push_back(LabelView{name, *value});
  return {};
}

Lexed<std::string_view> LabelSetReader::read_value(Cursor& cursor, std::string_view name,
                                                   bool text_format) {
  if (!cursor.at('"')) {
    return lex_error("expected a quoted value for label \"" + std::string(name) + "\"");
  }
  const char* begin = ++cursor.pos;
  bool escaped = false;
  unsigned high_bits = 0;
  while (true) {
    cursor.pos = find_quote_or_backslash(cursor.pos, cursor.end, high_bits);
    if (cursor.done() || *cursor.pos == '"') break;
    escaped = true;  // a backslash: the next character is taken as it is, a quote included
    if (++cursor.pos == cursor.end) break;
    high_bits |= static_cast<unsigned char>(*cursor.pos);
    ++cursor.pos;
  }
  if (cursor.done()) return lex_error("unterminated value for label \"" + std::string(name) + "\"");
  const std::string_view raw(begin, static_cast<std::size_t>(cursor.pos - begin));
  ++cursor.pos;  // the closing quote
  if ((high_bits & 0x80) != 0 && !is_valid_utf8(raw)) {
    return lex_error("invalid UTF-8 in the value of label \"" + std::string(name) + "\"");
  }
  if (!escaped) return raw;
  const std::size_t offset = unescaped_.size();
  if (auto done = unescape(raw, text_format); !done) return tl::unexpected(done.error());
  patches_.push_back(Unescaped{labels_.size(), offset, unescaped_.size() - offset});
  return std::string_view{};
}

// The closing quote ends the value, so a backslash is never its last character.
Lexed<void> LabelSetReader::unescape(std::string_view raw, bool text_format) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      unescaped_ += raw[i];
      continue;
    }
    const char next = raw[++i];
    if (next == 'n') {
      unescaped_ += '\n';
    } else if (next == '\\' || next == '"') {
      unescaped_ += next;
    } else if (text_format) {
      // The text format allows only these three (as expfmt and promtool check); OpenMetrics'
      // grammar keeps any other backslash as written.
      return lex_error(std::string("invalid label value escape \"\\") + next + "\"");
    } else {
      unescaped_ += '\\';
      unescaped_ += next;
    }
  }
  return {};
}

Lexed<std::string_view> next_field(Cursor& cursor, std::string_view what) {
  if (!cursor.at(' ')) {
    return lex_error("expected a space before the " + std::string(what) + ", got " +
                     quoted_token(cursor));
  }
  ++cursor.pos;
  if (cursor.done()) return lex_error("trailing whitespace");
  const std::string_view field = cursor.take_token(true);
  if (field.empty()) return lex_error("expected one space before the " + std::string(what));
  return field;
}

Lexed<void> end_of_line(Cursor& cursor, std::string_view after) {
  if (cursor.done()) return {};
  ++cursor.pos;  // the space that ended the field
  if (cursor.done()) return lex_error("trailing whitespace");
  return lex_error("unexpected " + quoted_token(cursor) + " after the " + std::string(after));
}

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p != end) {
    const unsigned lead = *p;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    std::ptrdiff_t extra = 0;
    char32_t code = 0;
    char32_t smallest = 0;
    if ((lead & 0xE0) == 0xC0) {
      extra = 1, code = lead & 0x1F, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, code = lead & 0x0F, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, code = lead & 0x07, smallest = 0x10000;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (std::ptrdiff_t i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      code = (code << 6) | (p[i] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past Unicode are invalid, as in Go.
    if (code < smallest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    p += extra + 1;
  }
  return true;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

void unescape_help(std::string_view raw, ExpositionFormat format, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char next = i + 1 < raw.size() ? raw[i + 1] : '\0';
    if (raw[i] != '\\' || !(next == '\\' || next == 'n' ||
                            (next == '"' && format == ExpositionFormat::OpenMetrics))) {
      out += raw[i];
      continue;
    }
    out += next == 'n' ? '\n' : next;
    ++i;
  }
}

}  // namespace vitals::detail
