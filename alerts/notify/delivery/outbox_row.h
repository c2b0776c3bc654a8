// The outbox's records: what one integration of one receiver is to be sent about one group, as
// written before anything is sent (OutboxMessage), as the sender works on it (OutboxRow), and as
// the API lists it (OutboxEntry). None of them holds a secret: PagerDuty routing keys and Slack
// webhook URLs are looked up at send time (secret_file names where, never what).
#pragma once

#include <cstdint>
#include <string>

namespace vitals::notify {

// One message to write, made from a notification by outbox_messages().
struct OutboxMessage {
  std::string receiver{};
  std::string integration{};  // "webhook[0]", "pagerduty[1]", "slack[0]"
  std::string group_key{};
  std::string url{};          // empty when the URL itself is a secret (Slack)
  std::string body{};         // JSON, without secrets
  std::string secret_file{};  // where the secret is read at send time; empty: inline in config
  std::string dedup_key{};    // the same for every attempt, across restarts
  std::int64_t created_ms{0};
  int alerts_firing{0};
  int alerts_resolved{0};
};

// A row not yet delivered or given up, as the sender needs it.
struct OutboxRow {
  std::int64_t id{0};  // increasing in enqueue order; never reused
  OutboxMessage message{};
  int attempts{0};
  std::string last_error{};
};

enum class DeliveryState { Pending, Delivered, Failed };

// One row of the notification log, for the API: no body, no secret.
struct OutboxEntry {
  std::int64_t id{0};
  std::string receiver{};
  std::string integration{};
  std::string group_key{};
  std::string url{};  // "" for Slack, whose URL is a secret
  std::string dedup_key{};
  DeliveryState state{DeliveryState::Pending};
  std::int64_t created_ms{0};
  int attempts{0};
  std::int64_t next_attempt_ms{0};  // 0: as soon as possible
  std::int64_t done_ms{0};          // delivered or given up; 0 while pending
  std::string last_error{};
  int alerts_firing{0};
  int alerts_resolved{0};
};

// "pending", "delivered", "failed".
const char* to_string(DeliveryState state);

}  // namespace vitals::notify
