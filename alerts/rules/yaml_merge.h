// YAML merge keys (`<<: *anchor`), which Prometheus' YAML decoder resolves and yaml-cpp 0.7 does
// not: rule files share rule bodies this way (rulefmt's test_aliases.yaml).
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "vitals/common/error.h"

namespace vitals::rules::detail {

// Rewrites every mapping under `root` in place: each plain `<<` key is replaced by the entries of
// the mapping it names (or of each mapping in the list it names, earlier ones first); keys the
// mapping sets itself win. InvalidArgument at the `<<` value when it is not a mapping or a list
// of mappings, or when aliases nest so deeply that expanding them would run away.
Result<void> resolve_merge_keys(YAML::Node root, const std::string& file);

}  // namespace vitals::rules::detail
