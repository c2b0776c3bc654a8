#include "agent/probe/probe_result.h"

namespace vitals {

std::string_view to_string(FailureReason reason) {
  switch (reason) {
    case FailureReason::None:
      return "";
    case FailureReason::Resolve:
      return "resolve";
    case FailureReason::Connect:
      return "connect";
    case FailureReason::Tls:
      return "tls";
    case FailureReason::Timeout:
      return "timeout";
    case FailureReason::Status:
      return "status";
    case FailureReason::Body:
      return "body";
    case FailureReason::Expectation:
      return "expectation";
    case FailureReason::Certificate:
      return "certificate";
  }
  return "";
}

}  // namespace vitals
