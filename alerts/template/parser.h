// The parser of Go's text/template (text/template/parse/parse.go, as in Go 1.19): actions,
// pipelines, variables and their scopes, if/else if/else, range, with, define, template,
// block, break and continue. Errors read as Go's: "template: NAME:LINE: undefined variable
// \"$x\"".
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "alerts/template/ast.h"
#include "vitals/common/error.h"

namespace vitals::alert_template::detail {

// Whether an identifier names a function; unknown ones are parse errors, as in Go.
using HasFunction = std::function<bool(std::string_view)>;

// template.New(name).Funcs(…).Parse(text). The set is immutable afterwards and may be executed
// from several threads at once.
Result<std::shared_ptr<const TemplateSet>> parse_template(std::string_view name,
                                                          std::string_view text,
                                                          const HasFunction& has_function);

}  // namespace vitals::alert_template::detail
