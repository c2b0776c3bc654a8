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

FailureReason failure_reason_of(HttpResponse::Failure failure) {
  switch (failure) {
    case HttpResponse::Failure::Resolve:
      return FailureReason::Resolve;
    case HttpResponse::Failure::Tls:
      return FailureReason::Tls;
    case HttpResponse::Failure::Timeout:
      return FailureReason::Timeout;
    case HttpResponse::Failure::TooLarge:
      return FailureReason::Body;
    default:
      return FailureReason::Connect;
  }
}

}  // namespace vitals
