#include "vitals/checkers/check.h"

namespace vitals {

std::string_view to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::Unknown:
      return "unknown";
    case CheckStatus::Healthy:
      return "healthy";
    case CheckStatus::Degraded:
      return "degraded";
    case CheckStatus::Unhealthy:
      return "unhealthy";
  }
  return "unknown";
}

}  // namespace vitals
