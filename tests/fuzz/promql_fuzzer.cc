// Fuzzes the PromQL parser (alerts/promql/parser.h) with and without the experimental functions,
// and checks the printer's contract (printer.h): a parsed query prints as text that parses
// again to an equivalent tree, and prints the same the second time. Also the API's match[]
// reader, parse_metric_selector.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "alerts/promql/ast.h"
#include "alerts/promql/parser.h"
#include "alerts/promql/printer.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view query, const std::string& detail) {
  std::fprintf(stderr, "%s\nquery:   %.*s\ndetail:  %s\n", what, static_cast<int>(query.size()),
               query.data(), detail.c_str());
  std::abort();
}

void round_trip(std::string_view query, const vitals::promql::ParseOptions& options) {
  auto expr = vitals::promql::parse(query, options);
  if (!expr) return;
  (void)(*expr)->type();
  const std::string printed = vitals::promql::format(**expr);
  auto again = vitals::promql::parse(printed, options);
  if (!again)
    fail("the printed query does not parse", query, printed + " -> " + again.error().message);
  if (!vitals::promql::equivalent(**expr, **again)) {
    fail("the printed query parses to another tree", query, printed);
  }
  const std::string reprinted = vitals::promql::format(**again);
  if (reprinted != printed) fail("printing is not stable", query, printed + " vs " + reprinted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  round_trip(query, {});
  round_trip(query, {.experimental_functions = true});
  (void)vitals::promql::parse_metric_selector(query);
  return 0;
}
