// Execution of a parsed Go template (text/template/exec.go, as in Go 1.19) with the option
// missingkey=zero, as Prometheus runs alert templates. Errors read as Go's:
// `template: NAME:1:12: executing "NAME" at <humanize "x">: error calling humanize: …`.
#pragma once

#include <string>

#include "alerts/template/ast.h"
#include "alerts/template/value.h"
#include "vitals/common/error.h"

namespace vitals::alert_template::detail {

// Runs the set's top-level template with dot = data. Thread-safe: the set is only read.
Result<std::string> execute_template(const TemplateSet& set, const Value& data,
                                     const CallContext& ctx);

}  // namespace vitals::alert_template::detail
