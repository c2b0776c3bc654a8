// Fuzzes Go's strconv and unicode/utf8 as alerts/gotext reproduces them for PromQL and the
// templates, with the properties Go guarantees: Unquote(Quote(s)) == s (also for QuoteToASCII and
// for any bytes, invalid UTF-8 included), a valid quoted string re-quotes to one that unquotes
// the same, the shortest FormatFloat reads back to the same float, and decoding rune by rune
// walks the whole text, forwards and backwards, counting RuneCountInString runes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "alerts/gotext/strconv.h"
#include "alerts/gotext/unicode.h"
#include "alerts/gotext/utf8.h"

namespace {

namespace gotext = vitals::gotext;

[[noreturn]] void fail(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "%s\ninput (quoted): %s\ndetail: %s\n", what, gotext::quote(input).c_str(),
               detail.c_str());
  std::abort();
}

void check_quoting(std::string_view s) {
  for (bool ascii : {false, true}) {
    const std::string quoted = ascii ? gotext::quote_to_ascii(s) : gotext::quote(s);
    auto back = gotext::unquote(quoted);
    if (!back || *back != s) fail("unquote(quote(s)) != s", s, quoted);
  }
  if (gotext::can_backquote(s)) {
    const std::string raw = "`" + std::string(s) + "`";
    auto back = gotext::unquote(raw);
    if (!back || *back != s) fail("a backquotable string does not unquote from `s`", s, raw);
  }
  if (auto unquoted = gotext::unquote(s)) {
    auto again = gotext::unquote(gotext::quote(*unquoted));
    if (!again || *again != *unquoted)
      fail("re-quoting an unquoted string changes it", s, *unquoted);
  }
  for (char q : {'"', '\'', '`'}) (void)gotext::unquote_char(s, q);
}

bool same(double a, double b) {
  return (a != a && b != b) || std::memcmp(&a, &b, sizeof a) == 0;
}

void check_numbers(std::string_view s) {
  if (auto v = gotext::parse_float(s)) {
    for (char fmt : {'e', 'g', 'x'}) {
      const std::string shortest = gotext::format_float(*v, fmt, -1);
      auto back = gotext::parse_float(shortest);
      if (!back || !same(*back, *v))
        fail("the shortest FormatFloat does not read back", s, shortest);
    }
  }
  (void)gotext::parse_int(s);
  (void)gotext::parse_uint(s);
  // The first bytes as a double and a format, at precisions from -1 to 40.
  if (s.size() >= sizeof(double) + 2) {
    double v = 0;
    std::memcpy(&v, s.data(), sizeof v);
    static constexpr char kFormats[] = {'b', 'e', 'E', 'f', 'g', 'G', 'x', 'X'};
    const char fmt = kFormats[static_cast<unsigned char>(s[sizeof v]) % sizeof kFormats];
    const int prec = static_cast<unsigned char>(s[sizeof v + 1]) % 42 - 1;
    (void)gotext::format_float(v, fmt, prec);
  }
}

void check_utf8(std::string_view s) {
  std::size_t runes = 0;
  std::string rebuilt;
  for (std::size_t at = 0; at < s.size(); ++runes) {
    gotext::DecodedRune r = gotext::decode_rune(s, at);
    if (r.width == 0 || at + r.width > s.size()) fail("decode_rune does not advance", s, "");
    if (!r.invalid()) {
      (void)gotext::is_letter(r.rune), (void)gotext::is_digit(r.rune),
          (void)gotext::is_print(r.rune);
      (void)gotext::to_upper(r.rune), (void)gotext::to_lower(r.rune);
      gotext::append_rune(rebuilt, r.rune);
    } else {
      rebuilt += s[at];
    }
    at += r.width;
  }
  if (runes != gotext::rune_count(s)) fail("rune_count disagrees with decode_rune", s, "");
  if (rebuilt != s) fail("re-encoding the decoded runes changes the text", s, rebuilt);
  std::size_t backwards = 0;
  for (std::size_t end = s.size(); end > 0; ++backwards) {
    gotext::DecodedRune r = gotext::decode_last_rune(s, end);
    if (r.width == 0 || r.width > end) fail("decode_last_rune does not move back", s, "");
    end -= r.width;
  }
  if (gotext::valid_utf8(s) && backwards != runes) {
    fail("valid UTF-8 decodes to other runes backwards", s, "");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  check_quoting(s);
  check_numbers(s);
  check_utf8(s);
  return 0;
}
