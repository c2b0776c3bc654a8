// Number constants, stored under every type that can represent them, as Go's NumberNode
// simulates ideal constants: 'a', 0x1F, 1_000, 1.5e3, 2i, 1+2i.
#include "alerts/gotext/strconv.h"
#include "alerts/template/humanize.h"
#include "alerts/template/tree_parser.h"

namespace vitals::alert_template::detail {

namespace {

// Go's uint64(f) on amd64, for the "does the float hold an integer" checks.
std::uint64_t go_float_to_uint64(double f) {
  if (f >= 0 && f < 18446744073709551616.0) return static_cast<std::uint64_t>(f);
  if (f < 0) return static_cast<std::uint64_t>(go_float_to_int64(f));
  return std::uint64_t{1} << 63;
}

// Records the integer types that can hold f exactly.
void set_integers_from_float(NumberNode& n, double f) {
  if (static_cast<double>(go_float_to_int64(f)) == f) {
    n.is_int = true;
    n.int64 = go_float_to_int64(f);
  }
  if (static_cast<double>(go_float_to_uint64(f)) == f) {
    n.is_uint = true;
    n.uint64 = go_float_to_uint64(f);
  }
}

// A complex number with no imaginary part is also a float, and maybe an integer.
void simplify_complex(NumberNode& n) {
  n.is_float = n.imag == 0;
  if (n.is_float) {
    n.float64 = n.real;
    set_integers_from_float(n, n.real);
  }
}

}  // namespace

std::unique_ptr<NumberNode> TreeParser::new_number(const Item& token) const {
  auto n = std::make_unique<NumberNode>(token.pos, token.val);
  if (token.type == ItemType::CharConstant) {
    parse_char_constant(*n);
  } else if (token.type == ItemType::Complex) {
    parse_complex(*n);
  } else {
    parse_integer_or_float(*n);
  }
  return n;
}

void TreeParser::parse_char_constant(NumberNode& n) const {
  const std::string& text = n.text;
  auto c = gotext::unquote_char(std::string_view(text).substr(1), text[0]);
  if (!c) errorf("invalid syntax");
  if (std::string_view(text).substr(1 + c->used) != "'") {
    errorf("malformed character constant: " + text);
  }
  n.is_int = n.is_uint = n.is_float = true;
  n.int64 = c->rune;
  n.uint64 = c->rune;
  n.float64 = c->rune;
}

void TreeParser::parse_complex(NumberNode& n) const {
  const std::string_view text = n.text;
  // "1+2i": the imaginary part starts at a sign that is neither the first byte nor an
  // exponent's.
  std::size_t split = 1;
  while (split < text.size() &&
         !((text[split] == '+' || text[split] == '-') &&
           std::string_view("eEpP").find(text[split - 1]) == std::string_view::npos)) {
    ++split;
  }
  auto re = gotext::parse_float(text.substr(0, split));
  auto im = gotext::parse_float(text.substr(split, text.size() - split - 1));
  if (!re) errorf(re.error().message);
  if (!im) errorf(im.error().message);
  n.is_complex = true;
  n.real = *re;
  n.imag = *im;
  simplify_complex(n);
}

void TreeParser::parse_integer_or_float(NumberNode& n) const {
  const std::string& text = n.text;
  if (!text.empty() && text.back() == 'i') {  // imaginary: complex unless zero
    if (auto im = gotext::parse_float(std::string_view(text).substr(0, text.size() - 1))) {
      n.is_complex = true;
      n.imag = *im;
      simplify_complex(n);
      return;
    }
  }
  auto u = gotext::parse_uint(text);
  if (u) {
    n.is_uint = true;
    n.uint64 = *u;
  }
  if (auto i = gotext::parse_int(text)) {
    n.is_int = true;
    n.int64 = *i;
    if (*i == 0) {  // -0 is an unsigned integer too
      n.is_uint = true;
      n.uint64 = u.value_or(0);
    }
  }
  if (n.is_int) {
    n.is_float = true;
    n.float64 = static_cast<double>(n.int64);
  } else if (n.is_uint) {
    n.is_float = true;
    n.float64 = static_cast<double>(n.uint64);
  } else if (auto f = gotext::parse_float(text)) {
    // Parsed as a float but written as an integer: one too large for any integer type.
    if (text.find_first_of(".eEpP") == std::string::npos) {
      errorf("integer overflow: " + gotext::quote(text));
    }
    n.is_float = true;
    n.float64 = *f;
    set_integers_from_float(n, *f);
  }
  if (!n.is_int && !n.is_uint && !n.is_float)
    errorf("illegal number syntax: " + gotext::quote(text));
}

}  // namespace vitals::alert_template::detail
