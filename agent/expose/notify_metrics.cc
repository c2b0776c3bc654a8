#include "agent/expose/notify_metrics.h"

#include <chrono>

namespace vitals {
namespace {

using Count = std::uint64_t notify::ReceiverCounts::*;

void by_receiver(Exposition& out, const notify::OutboxStats& outbox, const char* name,
                 const char* help, Count count) {
  out.family(name, "counter", help);
  for (const auto& [receiver, counts] : outbox.receivers) {
    out.sample(name, {{"receiver", receiver}}, static_cast<double>(counts.*count));
  }
}

}  // namespace

void write_notify_metrics(Exposition& out, const notify::OutboxStats& outbox,
                          const std::map<std::string, notify::PushCounts>& pushes) {
  by_receiver(out, outbox, "vitals_notifications_sent_total",
              "Notifications a receiver accepted (2xx), per receiver.",
              &notify::ReceiverCounts::sent);
  by_receiver(out, outbox, "vitals_notifications_failed_total",
              "Notifications given up: refused for good, or still failing at their maximum age.",
              &notify::ReceiverCounts::failed);
  by_receiver(out, outbox, "vitals_notifications_retried_total",
              "Failed deliveries that will be tried again.", &notify::ReceiverCounts::retries);
  out.family("vitals_outbox_depth", "gauge", "Notifications in the outbox not delivered yet.");
  out.sample("vitals_outbox_depth", {}, static_cast<double>(outbox.depth));
  out.family("vitals_outbox_oldest_pending_seconds", "gauge",
             "Age of the oldest undelivered notification; 0 when none waits.");
  out.sample("vitals_outbox_oldest_pending_seconds", {},
             std::chrono::duration<double>(outbox.oldest_pending_age).count());
  out.family("vitals_notification_latency_seconds", "summary",
             "Time from a notification's enqueue to its receiver's 2xx.");
  out.sample("vitals_notification_latency_seconds_sum", {}, outbox.latency_sum_seconds);
  out.sample("vitals_notification_latency_seconds_count", {},
             static_cast<double>(outbox.latency_count));
  out.family("vitals_outbox_write_errors_total", "counter",
             "Outbox writes SQLite refused (each also logged).");
  out.sample("vitals_outbox_write_errors_total", {}, static_cast<double>(outbox.write_errors));
  out.family("vitals_alertmanager_pushes_total", "counter",
             "Pushes of the active alerts to Alertmanagers' API v2, by result.");
  for (const auto& [alertmanager, counts] : pushes) {
    out.sample("vitals_alertmanager_pushes_total",
               {{"alertmanager", alertmanager}, {"result", "success"}},
               static_cast<double>(counts.sent));
    out.sample("vitals_alertmanager_pushes_total",
               {{"alertmanager", alertmanager}, {"result", "failure"}},
               static_cast<double>(counts.failed));
  }
}

}  // namespace vitals
