// Fills in, at send time, what the outbox never stores: PagerDuty routing keys (into the event)
// and Slack webhook URLs. Values come from the receivers' current configuration, or from their
// files, read at every send so a rotated file takes effect without a restart or reload.
// Thread-safe: set_receivers() (on reload) swaps a snapshot that resolve() reads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/config/alerting_config.h"
#include "alerts/notify/delivery/outbox_row.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"

namespace vitals::notify {

// What goes on the wire for one row. Holds secrets: never log or store it.
struct SendTarget {
  std::string url{};
  std::string body{};
};

class DeliverySecrets {
 public:
  explicit DeliverySecrets(std::vector<ReceiverConfig> receivers = {});

  void set_receivers(std::vector<ReceiverConfig> receivers);

  // The URL and body for `row`. Unavailable when a secret cannot be had now (its file is
  // missing or empty, or its integration left the configuration and kept its secret inline):
  // the sender retries, since an operator may put the file back.
  Result<SendTarget> resolve(const OutboxRow& row) const;

 private:
  std::shared_ptr<const std::vector<ReceiverConfig>> snapshot() const;

  mutable Mutex mu_;
  std::shared_ptr<const std::vector<ReceiverConfig>> receivers_ GUARDED_BY(mu_);
};

}  // namespace vitals::notify
