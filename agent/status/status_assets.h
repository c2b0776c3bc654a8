// The status page's HTML, CSS and JavaScript (agent/status/assets/), compiled into the agent by
// cmake/embed_assets.cmake: the page needs no file on disk and no network, and a request can only
// name one of these, never a path. Thread-safe: immutable data.
#pragma once

#include <string_view>
#include <vector>

namespace vitals::status {

struct EmbeddedAsset {
  std::string_view name{};  // "index.html", "status.css"
  std::string_view content_type{};
  std::string_view body{};
};

// Every asset, as generated.
const std::vector<EmbeddedAsset>& embedded_assets();
// The asset called `name` exactly, or null.
const EmbeddedAsset* find_asset(std::string_view name);

}  // namespace vitals::status
