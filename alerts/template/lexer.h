// The lexer of Go's text/template (text/template/parse/lex.go): text, actions between "{{" and
// "}}", trim markers "{{- " and " -}}", comments, and the tokens inside actions. Positions are
// byte offsets into the whole template; error items carry Go's messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vitals::alert_template::detail {

enum class ItemType : std::uint8_t {
  Error,         // val is the error text
  Bool,          // true, false
  Char,          // a printable ASCII character inside an action: ',' and the like
  CharConstant,  // 'a'
  Complex,       // 1+2i
  Assign,        // =
  Declare,       // :=
  Eof,
  Field,       // .Name
  Identifier,  // a function name
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,  // `…`, with the quotes
  RightDelim,
  RightParen,
  Space,
  String,  // "…", with the quotes
  Text,
  Variable,  // $, $x
  // Keywords; every type after Keyword is one.
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
};

struct Item {
  ItemType type = ItemType::Eof;
  std::size_t pos = 0;
  std::string val;
  int line = 0;

  // How parse errors show the item: EOF, the error text, <keyword>, or Go's %q (cut to ten
  // runes and "..." when longer).
  std::string describe() const;
};

// Lives on one thread; the input must outlive it.
class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  Item next_item();

  static constexpr char32_t kEof = 0xFFFFFFFF;
  static bool is_space(char32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }
  static bool is_alphanumeric(char32_t r);
  static std::string describe_rune(char32_t r);  // fmt's %#U: "U+002D '-'"

 private:
  enum class State : std::uint8_t {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
    Done,
  };

  char32_t next();
  char32_t peek();
  void backup();
  Item take(ItemType type);
  State emit(ItemType type);
  State emit_item(Item item);
  State error(std::string message);
  void ignore();
  bool accept(std::string_view valid);
  void accept_run(std::string_view valid);
  bool at_terminator();
  std::pair<bool, bool> at_right_delim() const;  // delimiter here, with a trim marker
  bool scan_number();

  State lex_text();
  State lex_left_delim();
  State lex_comment();
  State lex_right_delim();
  State lex_inside_action();
  State lex_space();
  State lex_identifier();
  State lex_field_or_variable(ItemType type);
  State lex_char();
  State lex_number();
  State lex_quote();
  State lex_raw_quote();

  std::string_view input_;
  Item item_;
  std::size_t pos_ = 0;
  std::size_t start_ = 0;
  bool at_eof_ = false;
  int paren_depth_ = 0;
  int line_ = 1;
  int start_line_ = 1;
  bool inside_action_ = false;
  bool pending_right_paren_error_ = false;
};

}  // namespace vitals::alert_template::detail
