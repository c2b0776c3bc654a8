// One HTTP transfer on a libcurl easy handle: the options set from an HttpRequest, the response
// gathered by libcurl's callbacks, and libcurl's result turned into an HttpResponse. Internal to
// NetLoop; lives on the loop thread.
#pragma once

#include <curl/curl.h>

#include <cstddef>

#include "agent/net/net_loop.h"

namespace vitals::detail {

struct HttpTransfer {
  NetLoop::TransferId id = 0;
  CURL* easy = nullptr;  // owned by NetLoop, which pools handles
  curl_slist* header_list = nullptr;
  HttpRequest request{};
  NetLoop::HttpCallback done{};
  HttpResponse response{};
  std::size_t body_bytes = 0;  // received, also when not kept
  bool too_large = false;      // the write callback stopped the transfer at max_body_bytes
  char error[CURL_ERROR_SIZE]{};

  HttpTransfer() = default;
  HttpTransfer(const HttpTransfer&) = delete;
  HttpTransfer& operator=(const HttpTransfer&) = delete;
  ~HttpTransfer();

  // Sets every option of `easy` from `request`. The transfer must not move afterwards: libcurl
  // keeps pointers to it and to the request's body.
  void configure();
  // Fills `response` from the finished handle and libcurl's result code.
  void complete(CURLcode code);
};

// How a libcurl result code reads in probe terms.
HttpResponse::Failure classify(CURLcode code);

}  // namespace vitals::detail
