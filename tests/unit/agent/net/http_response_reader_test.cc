#include "agent/net/http_response_reader.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "tests/unit/agent/net/gzip_text.h"

using vitals::detail::HttpResponseReader;
using State = HttpResponseReader::State;

namespace {

// Feeds the whole text in one piece, or a byte at a time: every split must read the same.
State feed_whole(HttpResponseReader& reader, std::string_view bytes) {
  return reader.feed(bytes);
}

State feed_bytewise(HttpResponseReader& reader, std::string_view bytes) {
  State state = State::Reading;
  for (char c : bytes) state = reader.feed(std::string_view(&c, 1));
  return state;
}

const std::string kChunked =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
    "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n";

}  // namespace

TEST_CASE("a Content-Length response gives status, lower-case headers and body, and keeps alive") {
  const std::string text =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: 5\r\n"
      "X-Dup: first\r\nX-Dup:  last \r\n\r\nhello";
  for (auto feed : {feed_whole, feed_bytewise}) {
    HttpResponseReader reader(0);
    REQUIRE(feed(reader, text) == State::Done);
    CHECK(reader.response().status == 200);
    CHECK(reader.response().headers["content-type"] == "text/plain; version=0.0.4");
    CHECK(reader.response().headers["x-dup"] == "last");
    CHECK(reader.response().body == "hello");
    CHECK(reader.keep_alive());
  }
}

TEST_CASE("a chunked body is joined, its extensions and trailers skipped") {
  for (auto feed : {feed_whole, feed_bytewise}) {
    HttpResponseReader reader(0);
    REQUIRE(feed(reader, kChunked) == State::Done);
    CHECK(reader.response().body == "hello, world");
    CHECK(reader.keep_alive());
  }
}

TEST_CASE("a gzip body is decoded, also when chunked, and the limit counts decoded bytes") {
  const std::string plain(20000, 'x');
  const std::string zipped = vitals::testing::gzip_text(plain);
  REQUIRE(zipped.size() < 1000);
  const std::string fixed = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " +
                            std::to_string(zipped.size()) + "\r\n\r\n" + zipped;
  for (auto feed : {feed_whole, feed_bytewise}) {
    HttpResponseReader reader(0);
    REQUIRE(feed(reader, fixed) == State::Done);
    CHECK(reader.response().body == plain);
  }
  char size[16];
  std::snprintf(size, sizeof size, "%zx", zipped.size());
  const std::string chunked =
      "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      std::string(size) + "\r\n" + zipped + "\r\n0\r\n\r\n";
  HttpResponseReader reader(0);
  REQUIRE(feed_bytewise(reader, chunked) == State::Done);
  CHECK(reader.response().body == plain);

  HttpResponseReader bounded(10000);
  CHECK(bounded.feed(fixed) == State::Failed);
  CHECK(bounded.too_large());
  CHECK(bounded.error() == "body larger than 10000 bytes");
}

TEST_CASE("a body runs to the close when neither length nor chunking is given") {
  HttpResponseReader reader(0);
  CHECK(reader.feed("HTTP/1.0 200 OK\r\n\r\nall of ") == State::Reading);
  CHECK(reader.feed("it") == State::Reading);
  REQUIRE(reader.end_of_stream() == State::Done);
  CHECK(reader.response().body == "all of it");
  CHECK_FALSE(reader.keep_alive());
}

TEST_CASE("Connection headers and the HTTP version decide whether the connection is kept") {
  auto kept = [](std::string_view head) {
    HttpResponseReader reader(0);
    REQUIRE(reader.feed(std::string(head) + "Content-Length: 0\r\n\r\n") == State::Done);
    return reader.keep_alive();
  };
  CHECK(kept("HTTP/1.1 200 OK\r\n"));
  CHECK_FALSE(kept("HTTP/1.1 200 OK\r\nConnection: Close\r\n"));
  CHECK_FALSE(kept("HTTP/1.0 200 OK\r\n"));
  CHECK(kept("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"));
  // Bytes after the end of the answer make the connection unusable for the next one.
  HttpResponseReader reader(0);
  CHECK(reader.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab") == State::Done);
  CHECK(reader.response().body == "a");
  CHECK_FALSE(reader.keep_alive());
}

TEST_CASE("interim 1xx answers are skipped and 204 has no body") {
  HttpResponseReader reader(0);
  REQUIRE(reader.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX-A: b\r\n\r\n") ==
          State::Done);
  CHECK(reader.response().status == 204);
  CHECK(reader.response().headers.size() == 1);
  CHECK(reader.response().body.empty());
}

TEST_CASE("a body over the limit fails as too large before it is read") {
  HttpResponseReader reader(100);
  CHECK(reader.feed("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n") == State::Failed);
  CHECK(reader.too_large());
  HttpResponseReader chunked(3);
  CHECK(chunked.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd") ==
        State::Failed);
  CHECK(chunked.too_large());
  CHECK(chunked.error() == "body larger than 3 bytes");
}

TEST_CASE("malformed answers fail with a reason") {
  auto error_of = [](std::string_view text) {
    HttpResponseReader reader(0);
    State state = reader.feed(text);
    if (state == State::Reading) state = reader.end_of_stream();
    CHECK(state == State::Failed);
    CHECK_FALSE(reader.keep_alive());
    return reader.error();
  };
  CHECK(error_of("SSH-2.0-OpenSSH\r\n\r\n") == "malformed status line: SSH-2.0-OpenSSH");
  CHECK(error_of("HTTP/1.1 2x0 OK\r\n\r\n").starts_with("malformed status line"));
  CHECK(error_of("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n") ==
        "malformed header line: no colon here");
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n") == "bad content-length 12a");
  CHECK(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") ==
        "bad chunk size zz");
  CHECK(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n") ==
        "unsupported transfer-encoding gzip");
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n") ==
        "unsupported content-encoding br");
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope")
            .starts_with("gzip body: "));
  CHECK(error_of("HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a')) ==
        "response head over 64 KiB");
}

TEST_CASE("a connection closed early fails, and says whether any answer had begun") {
  HttpResponseReader silent(0);
  CHECK(silent.end_of_stream() == State::Failed);
  CHECK_FALSE(silent.started());
  CHECK(silent.error() == "connection closed before a response");

  HttpResponseReader cut(0);
  CHECK(cut.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") == State::Reading);
  CHECK(cut.end_of_stream() == State::Failed);
  CHECK(cut.started());
  CHECK(cut.error() == "connection closed before the response ended");

  const std::string zipped = vitals::testing::gzip_text(std::string(5000, 'y'));
  HttpResponseReader truncated(0);
  CHECK(truncated.feed("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " +
                       std::to_string(zipped.size() - 8) + "\r\n\r\n" +
                       zipped.substr(0, zipped.size() - 8)) == State::Failed);
  CHECK(truncated.error() == "gzip body ends early");
}
