#include "alerts/notify/delivery/alertmanager_pusher.h"

#include "alerts/notify/delivery/backoff.h"
#include "alerts/notify/delivery/receivers/alertmanager_payload.h"

namespace vitals::notify {

std::string alerts_endpoint(const std::string& base) {
  std::string out = base;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out + "/api/v2/alerts";
}

AlertmanagerPusher::AlertmanagerPusher(NetLoop& loop, std::vector<AlertmanagerTarget> targets,
                                       AlertsProvider provider, PusherOptions options)
    : loop_(loop),
      targets_(std::move(targets)),
      provider_(std::move(provider)),
      options_(std::move(options)) {}

AlertmanagerPusher::~AlertmanagerPusher() {
  stop();
}

void AlertmanagerPusher::start() {
  stop();
  self_ = std::make_shared<AlertmanagerPusher*>(this);
  push_now();
  schedule();
}

void AlertmanagerPusher::stop() {
  if (timer_) loop_.events().cancel(*timer_);
  timer_.reset();
  for (const auto& [url, id] : in_flight_) loop_.cancel(id);
  in_flight_.clear();
  self_.reset();
}

void AlertmanagerPusher::schedule() {
  std::weak_ptr<AlertmanagerPusher*> weak = self_;
  timer_ =
      loop_.events().add_timer(loop_.events().clock().now() + options_.resend_interval, [weak] {
        auto self = weak.lock();
        if (!self) return;
        (*self)->push_now();
        (*self)->schedule();
      });
}

void AlertmanagerPusher::push_now() {
  if (targets_.empty()) return;
  std::vector<NotifiedAlert> alerts = provider_();
  // Nothing to say: Alertmanager forgets alerts by their endsAt on its own.
  if (alerts.empty()) return;
  const std::string body = alertmanager_alerts(alerts).dump();
  std::weak_ptr<AlertmanagerPusher*> weak = self_;
  for (const AlertmanagerTarget& target : targets_) {
    if (in_flight_.contains(target.url)) continue;
    HttpRequest request{
        .url = alerts_endpoint(target.url),
        .method = "POST",
        .headers = {{"Content-Type", "application/json"}, {"User-Agent", options_.user_agent}},
        .body = body,
        .timeout = options_.timeout};
    in_flight_[target.url] =
        loop_.fetch(std::move(request), [weak, url = target.url](HttpResponse response) {
          auto self = weak.lock();
          if (!self) return;
          (*self)->in_flight_.erase(url);
          const bool ok = classify(response) == Outcome::Delivered;
          MutexLock lock((*self)->mu_);
          PushCounts& counts = (*self)->counts_[url];
          if (ok) {
            ++counts.sent;
          } else {
            ++counts.failed;
            counts.last_error = describe_failure(response);
          }
        });
  }
}

std::map<std::string, PushCounts> AlertmanagerPusher::stats() const {
  MutexLock lock(mu_);
  return counts_;
}

}  // namespace vitals::notify
