#include "agent/status/status_assets.h"

namespace vitals::status {

const EmbeddedAsset* find_asset(std::string_view name) {
  for (const EmbeddedAsset& asset : embedded_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

}  // namespace vitals::status
