// Reads one HTTP/1.1 response from bytes as they arrive on a socket: the status line, the
// headers, and the body framed by Content-Length, chunked transfer coding or the end of the
// connection, gunzipped when the server sent it gzip-encoded. The keep-alive client's parser;
// it knows nothing of sockets.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "agent/net/net_loop.h"

namespace vitals::detail {

class HttpResponseReader {
 public:
  enum class State { Reading, Done, Failed };

  // `max_body_bytes` bounds the decoded body (0: unbounded); beyond it the read fails with
  // too_large().
  explicit HttpResponseReader(std::size_t max_body_bytes);
  ~HttpResponseReader();
  HttpResponseReader(const HttpResponseReader&) = delete;
  HttpResponseReader& operator=(const HttpResponseReader&) = delete;

  // Takes the next bytes from the connection. Bytes after the end of the response are an error
  // (HTTP/1.1 without pipelining sends nothing unasked).
  State feed(std::string_view bytes);
  // The peer closed the connection: ends a body that runs to the close, fails anything else.
  State end_of_stream();

  State state() const { return state_; }
  // Whether any byte of a response arrived: a reused connection that the server closed while it
  // sat idle fails before the first one, and only then may the request be sent again.
  bool started() const { return started_; }
  // Whether the connection may carry the next request once this response is Done.
  bool keep_alive() const { return keep_alive_; }
  bool too_large() const { return too_large_; }
  // Why the read failed, for HttpResponse::transport_error.
  const std::string& error() const { return error_; }
  // Status, headers (names in lower case, the last value wins) and the decoded body.
  HttpResponse& response() { return response_; }

 private:
  enum class Part { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, BodyToClose };

  State read_head(std::string_view& bytes);
  State on_head(std::string_view head);
  bool parse_head(std::string_view head);
  void frame_body();
  State read_body(std::string_view& bytes);
  State read_chunked(std::string_view& bytes);
  bool take_line(std::string_view& bytes, std::string& line);
  bool deliver(std::string_view encoded);
  bool append_decoded(const char* data, std::size_t size);
  State finish();
  State fail(std::string why);

  std::size_t max_body_bytes_;
  State state_ = State::Reading;
  Part part_ = Part::Head;
  bool started_ = false;
  bool keep_alive_ = false;
  bool too_large_ = false;
  bool gzip_ended_ = false;
  std::size_t decoded_bytes_ = 0;
  std::uint64_t remaining_ = 0;  // of the fixed body or the current chunk
  std::string pending_{};        // a head or a chunk line split across reads
  std::string error_{};
  HttpResponse response_{};
  std::unique_ptr<z_stream> gunzip_{};  // set when the body is gzip-encoded
};

}  // namespace vitals::detail
