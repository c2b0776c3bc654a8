#include "vitals/checkers/builtin/http_checker.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <new>
#include <system_error>

#include "vitals/common/duration.h"

namespace vitals {
namespace {

struct CleanupCurl {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct FreeHeaders {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// curl_global_init is not thread-safe and must run before any other curl call.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The body does not matter to the check; dropping it keeps memory flat for large answers.
size_t discard_body(char*, size_t size, size_t count, void*) {
  return size * count;
}

bool status_passes(const std::set<int>& expected, long status) {
  if (expected.empty()) return status >= 200 && status < 300;
  return expected.count(static_cast<int>(status)) > 0;
}

std::string transport_failure(CURL* curl, CURLcode code, const char* curl_message,
                              Duration budget) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout after " +
             format_duration(std::chrono::round<std::chrono::milliseconds>(budget));
    case CURLE_COULDNT_CONNECT: {
      long os_error = 0;
      curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_error);
      if (os_error != 0) {
        return "connect: " +
               std::error_code(static_cast<int>(os_error), std::generic_category()).message();
      }
      return std::string("connect: ") + curl_message;
    }
    case CURLE_COULDNT_RESOLVE_HOST:
      return std::string("resolve: ") + curl_message;
    default:
      return *curl_message != '\0' ? curl_message : curl_easy_strerror(code);
  }
}

std::string milliseconds_text(curl_off_t microseconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(microseconds) / 1000.0);
  return text;
}

CheckResult run_check(const HttpCheckOptions& options, curl_slist* headers,
                      const CheckContext& ctx) {
  const std::string what = "GET " + options.url;
  Duration budget = ctx.remaining();
  // curl reads a timeout of 0 as "no timeout".
  long timeout_ms = static_cast<long>(std::chrono::ceil<std::chrono::milliseconds>(budget).count());
  if (timeout_ms <= 0) return CheckResult::fail(what + ": timeout before the request was sent");

  std::unique_ptr<CURL, CleanupCurl> curl(curl_easy_init());
  if (!curl) return CheckResult::fail(what + ": curl_easy_init failed");
  char curl_message[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM on a worker thread
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "vitals-http-checker");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_message);

  CURLcode code = curl_easy_perform(c);
  curl_off_t total_us = 0;
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &total_us);
  std::map<std::string, std::string> metadata{{"latency_ms", milliseconds_text(total_us)}};
  if (code != CURLE_OK) {
    return CheckResult::fail(what + ": " + transport_failure(c, code, curl_message, budget),
                             std::move(metadata));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  metadata["status_code"] = std::to_string(status);
  if (!status_passes(options.expect_status, status)) {
    return CheckResult::fail(what + " returned " + std::to_string(status), std::move(metadata));
  }
  return CheckResult::ok(std::move(metadata));
}

}  // namespace

Checker http_checker(HttpCheckOptions options) {
  init_curl_once();
  // Built once: curl only reads the list during a transfer, so concurrent runs can share it.
  curl_slist* list = nullptr;
  for (const auto& [name, value] : options.headers) {
    curl_slist* longer = curl_slist_append(list, (name + ": " + value).c_str());
    if (longer == nullptr) {  // out of memory, as a failed std::string would be
      curl_slist_free_all(list);
      throw std::bad_alloc();
    }
    list = longer;
  }
  std::shared_ptr<curl_slist> headers(list, FreeHeaders{});
  return [options = std::move(options), headers](const CheckContext& ctx) {
    return run_check(options, headers.get(), ctx);
  };
}

}  // namespace vitals
