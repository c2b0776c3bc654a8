#include "agent/net/http_response_reader.h"

#include "agent/net/http_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vitals::detail {
namespace {

// A head or a chunk line longer than this is not an HTTP server talking.
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
constexpr std::size_t kMaxLineBytes = 4 * 1024;
// An announced length is trusted this far for one allocation up front; beyond it the body grows.
constexpr std::uint64_t kMaxReserve = 64 * 1024 * 1024;

// Whether a comma-separated header value lists `token`, ignoring case.
bool lists_token(std::string_view value, std::string_view token) {
  std::string all = lower(value);
  std::size_t start = 0;
  while (start <= all.size()) {
    std::size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    if (trim(std::string_view(all).substr(start, comma - start)) == token) return true;
    start = comma + 1;
  }
  return false;
}

std::string_view next_line(std::string_view& text) {
  std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

HttpResponseReader::HttpResponseReader(std::size_t max_body_bytes)
    : max_body_bytes_(max_body_bytes) {}

HttpResponseReader::~HttpResponseReader() {
  if (gunzip_) inflateEnd(gunzip_.get());
}

HttpResponseReader::State HttpResponseReader::feed(std::string_view bytes) {
  if (!bytes.empty()) started_ = true;
  while (state_ == State::Reading && !bytes.empty()) {
    state_ = part_ == Part::Head ? read_head(bytes) : read_body(bytes);
  }
  // Nothing may follow a response on a connection without pipelining: the next request would
  // read it as its own answer.
  if (state_ == State::Done && !bytes.empty()) keep_alive_ = false;
  return state_;
}

HttpResponseReader::State HttpResponseReader::end_of_stream() {
  if (state_ != State::Reading) return state_;
  if (part_ == Part::BodyToClose) return state_ = finish();
  keep_alive_ = false;
  return state_ = fail(started_ ? "connection closed before the response ended"
                                : "connection closed before a response");
}

HttpResponseReader::State HttpResponseReader::read_head(std::string_view& bytes) {
  // Mostly the whole head is in the first read: parsed in place, not copied.
  if (pending_.empty()) {
    const std::size_t end = bytes.find("\r\n\r\n");
    if (end != std::string_view::npos) {
      const std::string_view head = bytes.substr(0, end + 4);
      bytes.remove_prefix(end + 4);
      return on_head(head);
    }
  }
  const std::size_t searched = pending_.size() >= 3 ? pending_.size() - 3 : 0;
  pending_.append(bytes);
  const std::size_t end = pending_.find("\r\n\r\n", searched);
  if (end == std::string::npos) {
    bytes = {};
    if (pending_.size() > kMaxHeadBytes) return fail("response head over 64 KiB");
    return State::Reading;
  }
  // What followed the head in this read belongs to the body.
  const std::size_t head_bytes = end + 4;
  bytes.remove_prefix(bytes.size() - (pending_.size() - head_bytes));
  std::string head = std::move(pending_);
  pending_.clear();
  head.resize(head_bytes);
  return on_head(head);
}

HttpResponseReader::State HttpResponseReader::on_head(std::string_view head) {
  if (!parse_head(head)) return State::Failed;
  if (response_.status < 200) {  // an interim 1xx answer: the real one follows
    response_.headers.clear();
    return State::Reading;
  }
  frame_body();
  if (state_ == State::Failed) return State::Failed;
  return remaining_ == 0 && part_ == Part::FixedBody ? finish() : State::Reading;
}

bool HttpResponseReader::parse_head(std::string_view head) {
  std::string_view status_line = next_line(head);
  // "HTTP/1.1 200 OK": the version, then three digits.
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') {
    fail("malformed status line: " + std::string(status_line.substr(0, 80)));
    return false;
  }
  int status = 0;
  auto [end, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (ec != std::errc() || end != status_line.data() + 12 || status < 100) {
    fail("malformed status line: " + std::string(status_line.substr(0, 80)));
    return false;
  }
  response_.status = status;
  keep_alive_ = status_line[7] == '1';  // HTTP/1.0 closes unless it says otherwise
  for (std::string_view line = next_line(head); !line.empty(); line = next_line(head)) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      fail("malformed header line: " + std::string(line.substr(0, 80)));
      return false;
    }
    response_.headers[lower(line.substr(0, colon))] = std::string(trim(line.substr(colon + 1)));
  }
  if (auto c = response_.headers.find("connection"); c != response_.headers.end()) {
    if (lists_token(c->second, "close")) keep_alive_ = false;
    if (lists_token(c->second, "keep-alive")) keep_alive_ = true;
  }
  return true;
}

// RFC 9112 §6.3: no body for 204 and 304, chunked before Content-Length, else to the close.
void HttpResponseReader::frame_body() {
  const auto& headers = response_.headers;
  if (auto e = headers.find("content-encoding"); e != headers.end()) {
    std::string coding = lower(trim(e->second));
    if (coding == "gzip" || coding == "x-gzip" || coding == "deflate") {
      gunzip_ = std::make_unique<z_stream>();
      // 32 + MAX_WBITS: zlib recognises a gzip or a zlib header by itself.
      if (inflateInit2(gunzip_.get(), 32 + MAX_WBITS) != Z_OK) {
        gunzip_.reset();
        fail("cannot start gzip decoding");
        return;
      }
    } else if (coding != "identity" && !coding.empty()) {
      fail("unsupported content-encoding " + coding);
      return;
    }
  }
  part_ = Part::FixedBody;
  remaining_ = 0;
  if (response_.status == 204 || response_.status == 304) return;
  if (auto t = headers.find("transfer-encoding"); t != headers.end()) {
    if (!lists_token(t->second, "chunked")) {
      fail("unsupported transfer-encoding " + t->second);
      return;
    }
    part_ = Part::ChunkSize;
    return;
  }
  if (auto l = headers.find("content-length"); l != headers.end()) {
    const std::string& text = l->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), remaining_);
    if (ec != std::errc() || end != text.data() + text.size()) {
      fail("bad content-length " + text);
    } else if (!gunzip_ && max_body_bytes_ != 0 && remaining_ > max_body_bytes_) {
      too_large_ = true;
      fail("body larger than " + std::to_string(max_body_bytes_) + " bytes");
    }
    return;
  }
  part_ = Part::BodyToClose;
  keep_alive_ = false;
}

HttpResponseReader::State HttpResponseReader::read_body(std::string_view& bytes) {
  if (part_ == Part::BodyToClose) {
    if (!deliver(bytes)) return State::Failed;
    bytes = {};
    return State::Reading;
  }
  if (part_ == Part::FixedBody) {
    const std::size_t take =
        static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
    if (!deliver(bytes.substr(0, take))) return State::Failed;
    bytes.remove_prefix(take);
    remaining_ -= take;
    return remaining_ == 0 ? finish() : State::Reading;
  }
  return read_chunked(bytes);
}

// RFC 9112 §7.1: hex size [;extensions] CRLF, data CRLF, …, 0 CRLF, trailers, CRLF.
HttpResponseReader::State HttpResponseReader::read_chunked(std::string_view& bytes) {
  std::string line;
  switch (part_) {
    case Part::ChunkSize: {
      if (!take_line(bytes, line)) return state_;
      std::string_view digits = trim(std::string_view(line).substr(0, line.find(';')));
      auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), remaining_, 16);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
        return fail("bad chunk size " + std::string(digits.substr(0, 20)));
      }
      part_ = remaining_ == 0 ? Part::Trailers : Part::ChunkData;
      return State::Reading;
    }
    case Part::ChunkData: {
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
      if (!deliver(bytes.substr(0, take))) return State::Failed;
      bytes.remove_prefix(take);
      remaining_ -= take;
      if (remaining_ == 0) part_ = Part::ChunkDataEnd;
      return State::Reading;
    }
    case Part::ChunkDataEnd:
      if (!take_line(bytes, line)) return state_;
      if (!trim(line).empty()) return fail("chunk not followed by CRLF");
      part_ = Part::ChunkSize;
      return State::Reading;
    case Part::Trailers:
      if (!take_line(bytes, line)) return state_;
      return trim(line).empty() ? finish() : State::Reading;
    default:
      return fail("internal: not in a chunked body");
  }
}

// A whole line (without its CRLF) into `line`, or false with the partial line kept for later.
bool HttpResponseReader::take_line(std::string_view& bytes, std::string& line) {
  std::size_t newline = bytes.find('\n');
  if (newline == std::string_view::npos) {
    pending_.append(bytes);
    bytes = {};
    if (pending_.size() > kMaxLineBytes) fail("chunk line over 4 KiB");
    return false;
  }
  line = std::move(pending_);
  pending_.clear();
  line.append(bytes.substr(0, newline));
  bytes.remove_prefix(newline + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

bool HttpResponseReader::deliver(std::string_view encoded) {
  if (!gunzip_) return append_decoded(encoded.data(), encoded.size());
  if (gzip_ended_) return true;  // what follows the gzip stream is not part of the body
  z_stream& z = *gunzip_;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(encoded.data()));
  z.avail_in = static_cast<uInt>(encoded.size());
  char out[16 * 1024];
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = sizeof out;
    const int result = inflate(&z, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR) {
      fail(std::string("gzip body: ") + (z.msg != nullptr ? z.msg : "corrupt data"));
      return false;
    }
    if (!append_decoded(out, sizeof out - z.avail_out)) return false;
    if (result == Z_STREAM_END) {
      gzip_ended_ = true;
      return true;
    }
    // Done when zlib has taken every byte and had room to spare, or can make no progress.
    if ((z.avail_in == 0 && z.avail_out != 0) || result == Z_BUF_ERROR) return true;
  }
}

bool HttpResponseReader::append_decoded(const char* data, std::size_t size) {
  decoded_bytes_ += size;
  if (max_body_bytes_ != 0 && decoded_bytes_ > max_body_bytes_) {
    too_large_ = true;
    fail("body larger than " + std::to_string(max_body_bytes_) + " bytes");
    return false;
  }
  // A fixed-length body is allocated once (the limit was checked against its length).
  if (response_.body.empty() && part_ == Part::FixedBody && !gunzip_) {
    response_.body.reserve(
        static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, kMaxReserve)));
  }
  response_.body.append(data, size);
  return true;
}

HttpResponseReader::State HttpResponseReader::finish() {
  // A gzip stream cut short is a broken body; an empty one is an empty body.
  if (gunzip_ && !gzip_ended_ && gunzip_->total_in > 0) return fail("gzip body ends early");
  part_ = Part::FixedBody;
  return state_ = State::Done;
}

HttpResponseReader::State HttpResponseReader::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  keep_alive_ = false;
  return state_ = State::Failed;
}

}  // namespace vitals::detail
