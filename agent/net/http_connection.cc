#include "agent/net/http_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vitals {
namespace {

using Failure = HttpResponse::Failure;

constexpr std::string_view kScheme = "http://";
// One read takes a typical exposition whole; a bigger body takes a few.
constexpr std::size_t kReadBytes = 64 * 1024;

std::string_view authority_of(std::string_view url) {
  std::string_view rest = url.substr(kScheme.size());
  return rest.substr(0, rest.find_first_of("/?#"));
}

std::string path_of(std::string_view url) {
  std::string_view rest = url.substr(kScheme.size());
  std::size_t start = rest.find_first_of("/?");
  if (start == std::string_view::npos) return "/";
  std::string_view path = rest.substr(start, rest.find('#', start) - start);
  return path.starts_with('?') ? "/" + std::string(path) : std::string(path);
}

// TcpConnect wants a port; http's is 80 when the URL names none.
std::string with_port(std::string_view authority) {
  const bool has_port = authority.starts_with('[') ? authority.find("]:") != std::string::npos
                                                   : authority.find(':') != std::string::npos;
  return has_port ? std::string(authority) : std::string(authority) + ":80";
}

std::string render_request(const HttpRequest& request, std::string_view path,
                           std::string_view host) {
  std::string out;
  out.reserve(256);
  out.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
  out.append("\r\nUser-Agent: vitals-agent/0.1\r\n");
  if (request.accept_gzip) out.append("Accept-Encoding: gzip\r\n");
  for (const auto& [name, value] : request.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("\r\n");
  return out;
}

std::string timeout_text(Duration timeout) {
  return "timed out after " +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) +
         " ms";
}

}  // namespace

bool HttpConnection::supports(std::string_view url) {
  if (!url.starts_with(kScheme)) return false;
  std::string_view authority = authority_of(url);
  return !authority.empty() && authority.find('@') == std::string_view::npos;
}

HttpConnection::HttpConnection(NetLoop& loop, std::string url)
    : loop_(loop),
      authority_(authority_of(url)),
      path_(path_of(url)),
      connect_(loop, with_port(authority_)) {}

HttpConnection::~HttpConnection() {
  cancel();
  close_connection();
}

void HttpConnection::fetch(const HttpRequest& request, NetLoop::HttpCallback done) {
  cancel();
  in_fetch_ = true;
  done_ = std::move(done);
  if (request_bytes_.empty() || request.headers != rendered_headers_ ||
      request.accept_gzip != rendered_gzip_) {
    request_bytes_ = render_request(request, path_, authority_);
    rendered_headers_ = request.headers;
    rendered_gzip_ = request.accept_gzip;
  }
  max_body_bytes_ = request.max_body_bytes;
  started_ = now();
  retried_ = false;
  timer_ = loop_.events().add_timer(started_ + request.timeout, [this, t = request.timeout] {
    timer_ = 0;
    connect_.cancel();
    close_connection();
    end({.transport_error = timeout_text(t), .failure = Failure::Timeout});
  });
  if (fd_ >= 0) {
    reused_ = true;
    send_request();
  } else {
    connect();
  }
  in_fetch_ = false;
}

void HttpConnection::cancel() {
  ++*generation_;
  if (!done_) return;
  done_ = nullptr;
  if (timer_ != 0) loop_.events().cancel(timer_);
  timer_ = 0;
  connect_.cancel();
  close_connection();  // a half-done exchange leaves the connection unusable
  reader_.reset();
}

void HttpConnection::connect() {
  reused_ = false;
  connect_.start([this](detail::TcpConnect::Outcome outcome) {
    if (outcome.fd < 0) return end({.transport_error = outcome.error, .failure = outcome.failure});
    fd_ = outcome.fd;
    send_request();
  });
}

void HttpConnection::send_request() {
  sent_ = 0;
  reader_.emplace(max_body_bytes_);
  on_ready();
}

// Writes what is left of the request, then reads the response; both as far as the socket allows.
// Once the last request byte is out, the answer is waited for rather than read at once: no
// server has answered in the microseconds since, and that read would be a system call (of
// about four a scrape) that only says EAGAIN.
void HttpConnection::on_ready() {
  if (sent_ == request_bytes_.size()) return read_response();
  while (sent_ < request_bytes_.size()) {
    ssize_t n =
        ::send(fd_, request_bytes_.data() + sent_, request_bytes_.size() - sent_, MSG_NOSIGNAL);
    if (n > 0) {
      sent_ += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return watch(POLLOUT);
    } else if (errno != EINTR) {
      return broken(Failure::Other, std::string("send: ") + std::strerror(errno));
    }
  }
  watch(POLLIN);
}

void HttpConnection::read_response() {
  char buffer[kReadBytes];
  for (;;) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return watch(POLLIN);
    if (n < 0) return broken(Failure::Other, std::string("recv: ") + std::strerror(errno));
    auto state =
        n == 0 ? reader_->end_of_stream() : reader_->feed({buffer, static_cast<std::size_t>(n)});
    if (state == detail::HttpResponseReader::State::Done) return complete();
    if (state == detail::HttpResponseReader::State::Failed) {
      return broken(reader_->too_large() ? Failure::TooLarge : Failure::Other, reader_->error());
    }
    // A short read took all there was: poll rather than ask again for nothing.
    if (static_cast<std::size_t>(n) < sizeof buffer) return watch(POLLIN);
  }
}

// A kept connection the server closed while it sat idle fails before a byte of the answer
// arrives; the request is then sent once more on a fresh one, as browsers and libcurl do.
void HttpConnection::broken(Failure failure, std::string error) {
  const bool stale = reused_ && !retried_ && !(reader_ && reader_->started());
  close_connection();
  if (stale) {
    retried_ = true;
    return connect();
  }
  end({.transport_error = authority_ + ": " + error, .failure = failure});
}

void HttpConnection::complete() {
  HttpResponse response = std::move(reader_->response());
  if (reader_->keep_alive()) {
    watch(0);
  } else {
    close_connection();
  }
  end(std::move(response));
}

void HttpConnection::end(HttpResponse response) {
  if (timer_ != 0) loop_.events().cancel(timer_);
  timer_ = 0;
  reader_.reset();
  response.total = now() - started_;
  NetLoop::HttpCallback done = std::move(done_);
  done_ = nullptr;
  if (!done) return;
  if (!in_fetch_) return done(std::move(response));
  // Failed at once (a refused connect on loopback does): the caller is still inside fetch().
  loop_.events().post([generation = generation_, expected = *generation_, done = std::move(done),
                       response = std::move(response)]() mutable {
    if (*generation == expected) done(std::move(response));
  });
}

// An idle connection is not watched: polling it every turn would cost more than finding it
// closed on the next request.
void HttpConnection::watch(short events) {
  if (events == 0) {
    if (watch_ != 0) loop_.unwatch(watch_);
    watch_ = 0;
  } else if (watch_ == 0) {
    watch_ = loop_.watch(fd_, events, [this](short) { on_ready(); });
  } else if (events != watched_) {
    loop_.update_watch(watch_, events);
  }
  watched_ = events;
}

void HttpConnection::close_connection() {
  watch(0);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace vitals
