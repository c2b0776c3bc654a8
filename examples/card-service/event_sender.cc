#include "examples/card-service/event_sender.h"

#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <nlohmann/json.hpp>

namespace vitals::examples {
namespace {

prometheus::Family<prometheus::Counter>& sent_family(prometheus::Registry& metrics) {
  return prometheus::BuildCounter()
      .Name("card_feed_events_total")
      .Help("Transaction events for the feed service, by what became of them.")
      .Register(metrics);
}

// Short timeouts: a feed that does not answer within them is as good as down.
httplib::Client feed_client(const std::string& feed_url) {
  httplib::Client client(feed_url);
  client.set_connection_timeout(std::chrono::milliseconds(250));
  client.set_read_timeout(std::chrono::seconds(1));
  client.set_write_timeout(std::chrono::seconds(1));
  client.set_keep_alive(true);
  // httplib writes headers and body apart: with Nagle's algorithm on, each request of a kept-alive
  // connection would wait for the server's delayed ACK (about 40 ms), slower than 20 a second.
  client.set_tcp_nodelay(true);
  return client;
}

}  // namespace

EventSender::EventSender(std::string feed_url, prometheus::Registry& metrics, std::size_t capacity)
    : feed_url_(std::move(feed_url)),
      capacity_(capacity),
      sent_(sent_family(metrics).Add({{"result", "sent"}})),
      failed_(sent_family(metrics).Add({{"result", "failed"}})),
      dropped_(sent_family(metrics).Add({{"result", "dropped"}})),
      thread_([this] { run(); }) {}

EventSender::~EventSender() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EventSender::offer(TransactionEvent event) {
  {
    MutexLock lock(mu_);
    if (queue_.size() >= capacity_) {
      dropped_.Increment();
      return;
    }
    queue_.push_back(std::move(event));
  }
  wake_.notify_one();
}

void EventSender::run() {
  httplib::Client client = feed_client(feed_url_);
  for (;;) {
    TransactionEvent event;
    {
      MutexLock lock(mu_);
      lock.wait(wake_, [this]() REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    nlohmann::json body = {{"id", event.id},
                           {"amount_pence", event.amount_pence},
                           {"currency", "GBP"},
                           {"created_ms", event.created_ms}};
    auto res = client.Post("/events", body.dump(), "application/json");
    (res && res->status == 202 ? sent_ : failed_).Increment();
  }
}

}  // namespace vitals::examples
