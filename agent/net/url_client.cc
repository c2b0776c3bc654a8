#include "agent/net/url_client.h"

namespace vitals {

UrlClient::UrlClient(NetLoop& loop, std::string url) : loop_(loop), url_(std::move(url)) {
  if (HttpConnection::supports(url_)) connection_.emplace(loop_, url_);
}

UrlClient::~UrlClient() {
  cancel();
}

void UrlClient::fetch(const HttpRequest& request, NetLoop::HttpCallback done) {
  cancel();
  if (connection_) return connection_->fetch(request, std::move(done));
  HttpRequest with_url = request;
  with_url.url = url_;
  transfer_ = loop_.fetch(std::move(with_url), [this, done = std::move(done)](HttpResponse r) {
    transfer_ = 0;
    done(std::move(r));
  });
}

void UrlClient::cancel() {
  if (connection_) connection_->cancel();
  if (transfer_ != 0) loop_.cancel(transfer_);
  transfer_ = 0;
}

}  // namespace vitals
