// A checker for an HTTP dependency of a service (another service, a partner's API): it sends one
// GET and looks at the status code.
#pragma once

#include <map>
#include <set>
#include <string>

#include "vitals/checkers/check.h"

namespace vitals {

struct HttpCheckOptions {
  std::string url;  // http:// or https://; other schemes fail
  // The status codes that pass; empty means any 2xx. Redirects are not followed.
  std::set<int> expect_status = {};
  // Sent with the request, e.g. {"Authorization", "Bearer …"}; never copied into metadata.
  std::map<std::string, std::string> headers = {};
};

// Each run sends GET `url` and waits at most until the deadline, blocking the calling thread.
// Metadata: `status_code` when a response came, `latency_ms` always. Fails with
// "GET <url> returned 500", "GET <url>: connect: Connection refused", "GET <url>: timeout after
// 2s" and the like. TLS certificates are verified.
Checker http_checker(HttpCheckOptions options);

}  // namespace vitals
