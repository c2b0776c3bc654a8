// The parts of Go's package unicode that strconv and text/template consult: IsLetter, IsDigit,
// IsPrint, IsUpper, IsLower, ToUpper, ToLower. IsPrint decides whether strconv.Quote writes a
// rune as itself or as an escape, so it shapes every quoted string in Prometheus' messages.
//
// Exact for ASCII. Beyond it they read the C library's Unicode tables (C.UTF-8), which agree with
// Go's for letters and case mappings; IsPrint adds the no-break spaces, format (Cf) and private
// use (Co) characters Go refuses but the C library calls graphic; only ASCII digits are digits.
#pragma once

namespace vitals::gotext {

bool is_letter(char32_t r);
bool is_digit(char32_t r);
bool is_print(char32_t r);
bool is_upper(char32_t r);
bool is_lower(char32_t r);
char32_t to_upper(char32_t r);
char32_t to_lower(char32_t r);

}  // namespace vitals::gotext
