// The readers of vitals.yml's sections, called in file order by parse_config(). Each reads into
// its part of the Config and records the first error in the MapReader's YamlReader.
// Internal to agent/config.
#pragma once

#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/config/yaml_reader.h"

namespace vitals::detail {

// `path` as written when absolute or when the config file sits in the working directory;
// otherwise relative to the config file's directory, as Prometheus resolves its file paths.
std::string resolve_path(const std::string& base_dir, const std::string& path);

// `services:` and `probes:`; interval and timeout defaults come from `global`.
void read_services(const MapReader& top, const GlobalConfig& global, const std::string& base_dir,
                   std::vector<ServiceConfig>& out);
void read_probes(const MapReader& top, const GlobalConfig& global, std::vector<ProbeConfig>& out);

// `alerting:`; secret file paths are resolved against base_dir.
void read_alerting(const MapReader& top, const std::string& base_dir, AlertingConfig& out);

}  // namespace vitals::detail
