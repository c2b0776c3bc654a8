#include "agent/net/http_transfer.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "agent/net/http_text.h"
#include "agent/net/peer_certs.h"

namespace vitals::detail {
namespace {

using Failure = HttpResponse::Failure;

// The certificates are read while the connection is surely open: libcurl may close it (and free
// the SSL object) as soon as the transfer is done.
void read_peer_certs(HttpTransfer& t) {
  curl_tlssessioninfo* info = nullptr;
  if (curl_easy_getinfo(t.easy, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || info == nullptr) return;
  if (info->backend != CURLSSLBACKEND_OPENSSL || info->internals == nullptr) return;
  t.response.earliest_cert_expiry = earliest_not_after(static_cast<const SSL*>(info->internals));
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<HttpTransfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 100 Continue): only the last one's headers count.
    t.response.headers.clear();
    read_peer_certs(t);
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t.response.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<HttpTransfer*>(user);
  std::size_t n = size * count;
  t.body_bytes += n;
  if (t.request.max_body_bytes != 0 && t.body_bytes > t.request.max_body_bytes) {
    t.too_large = true;
    return 0;  // libcurl stops the transfer with CURLE_WRITE_ERROR
  }
  if (!t.request.keep_body) return n;
  if (t.response.body.empty()) {
    // One allocation for the whole body when its length is announced (bounded by the limit),
    // instead of a dozen as it doubles.
    curl_off_t announced = -1;
    curl_easy_getinfo(t.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
    if (announced > 0 && (t.request.max_body_bytes == 0 ||
                          static_cast<std::size_t>(announced) <= t.request.max_body_bytes)) {
      t.response.body.reserve(static_cast<std::size_t>(announced));
    }
  }
  t.response.body.append(data, n);
  return n;
}

void set_method(HttpTransfer& t) {
  const HttpRequest& r = t.request;
  if (r.method == "HEAD") {
    curl_easy_setopt(t.easy, CURLOPT_NOBODY, 1L);
  } else if (r.method != "GET") {
    curl_easy_setopt(t.easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  // A POST, PUT or PATCH without a body still says Content-Length: 0.
  bool has_body = !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
  if (has_body) {
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDS, r.body.data());
  }
}

void set_headers(HttpTransfer& t) {
  // libcurl would otherwise wait up to a second for "100 Continue" before sending a large body.
  t.header_list = curl_slist_append(t.header_list, "Expect:");
  for (const auto& [name, value] : t.request.headers) {
    t.header_list = curl_slist_append(t.header_list, (name + ": " + value).c_str());
  }
  curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, t.header_list);
}

Duration micros(CURL* easy, CURLINFO info) {
  curl_off_t value = 0;
  curl_easy_getinfo(easy, info, &value);
  return std::chrono::microseconds(value);
}

// The blackbox exporter's phases from libcurl's cumulative times. A reused connection has no
// resolve/connect/tls time, and plain http has no APPCONNECT: clamp at zero.
PhaseTimings phases(CURL* easy) {
  auto namelookup = micros(easy, CURLINFO_NAMELOOKUP_TIME_T);
  auto connect = micros(easy, CURLINFO_CONNECT_TIME_T);
  auto appconnect = micros(easy, CURLINFO_APPCONNECT_TIME_T);
  auto pretransfer = micros(easy, CURLINFO_PRETRANSFER_TIME_T);
  auto starttransfer = micros(easy, CURLINFO_STARTTRANSFER_TIME_T);
  auto total = micros(easy, CURLINFO_TOTAL_TIME_T);
  auto span = [](Duration from, Duration to) { return std::max(Duration{0}, to - from); };
  return PhaseTimings{
      .resolve = namelookup,
      .connect = span(namelookup, connect),
      .tls = appconnect > Duration{0} ? span(connect, appconnect) : Duration{0},
      .processing = span(pretransfer, starttransfer),
      .transfer = span(starttransfer, total),
  };
}

}  // namespace

HttpTransfer::~HttpTransfer() {
  curl_slist_free_all(header_list);
}

void HttpTransfer::configure() {
  const HttpRequest& r = request;
  curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "vitals-agent/0.1");
  auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.timeout).count();
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long>(1, timeout_ms)));
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, r.tls_verify ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, r.tls_verify ? 2L : 0L);
  // libcurl has its own default CA bundle; honour OpenSSL's override as the TLS probe does, so
  // both kinds of probe trust the same store.
  if (const char* ca_file = std::getenv("SSL_CERT_FILE")) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, ca_file);
  }
  if (r.accept_gzip) curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
  if (r.max_body_bytes != 0) {
    // Refuses early when Content-Length says too much; on_body catches the rest.
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r.max_body_bytes));
  }
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
  set_method(*this);
  set_headers(*this);
}

void HttpTransfer::complete(CURLcode code) {
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  response.timings = phases(easy);
  response.total = micros(easy, CURLINFO_TOTAL_TIME_T);
  if (code == CURLE_OK) return;
  response.failure = too_large ? Failure::TooLarge : classify(code);
  if (response.failure == Failure::TooLarge) {
    response.transport_error =
        "body larger than " + std::to_string(request.max_body_bytes) + " bytes";
  } else {
    response.transport_error = error[0] != '\0' ? error : curl_easy_strerror(code);
  }
}

HttpResponse::Failure classify(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return Failure::None;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Failure::Resolve;
    case CURLE_COULDNT_CONNECT:
      return Failure::Connect;
    case CURLE_OPERATION_TIMEDOUT:
      return Failure::Timeout;
    case CURLE_FILESIZE_EXCEEDED:
      return Failure::TooLarge;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return Failure::Tls;
    default:
      return Failure::Other;
  }
}

}  // namespace vitals::detail
