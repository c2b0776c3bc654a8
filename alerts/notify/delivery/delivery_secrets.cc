#include "alerts/notify/delivery/delivery_secrets.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "alerts/notify/delivery/receivers/pagerduty_payload.h"
#include "vitals/common/secret_file.h"

namespace vitals::notify {
namespace {

struct IntegrationName {
  std::string kind{};
  std::size_t index{0};
};

// "pagerduty[1]" → {pagerduty, 1}.
std::optional<IntegrationName> parse_integration(const std::string& name) {
  auto open = name.find('[');
  if (open == std::string::npos || name.back() != ']') return std::nullopt;
  IntegrationName out{.kind = name.substr(0, open)};
  const char* first = name.data() + open + 1;
  const char* last = name.data() + name.size() - 1;
  auto [end, ec] = std::from_chars(first, last, out.index);
  if (ec != std::errc() || end != last) return std::nullopt;
  return out;
}

const ReceiverConfig* find_receiver(const std::vector<ReceiverConfig>& receivers,
                                    const std::string& name) {
  for (const ReceiverConfig& receiver : receivers) {
    if (receiver.name == name) return &receiver;
  }
  return nullptr;
}

// An inline value wins, then the configured file, then the file the row was enqueued with (the
// integration may have left the configuration since).
Result<std::string> pick(const std::optional<std::string>& inline_value,
                         const std::optional<std::string>& file, const OutboxRow& row,
                         const char* what) {
  if (inline_value && !inline_value->empty()) return *inline_value;
  if (file) return read_secret_file(*file);
  if (!row.message.secret_file.empty()) return read_secret_file(row.message.secret_file);
  return make_error(ErrorCode::Unavailable, std::string("no ") + what + " for receiver " +
                                                row.message.receiver + " " +
                                                row.message.integration + " in the configuration");
}

}  // namespace

DeliverySecrets::DeliverySecrets(std::vector<ReceiverConfig> receivers)
    : receivers_(std::make_shared<const std::vector<ReceiverConfig>>(std::move(receivers))) {}

void DeliverySecrets::set_receivers(std::vector<ReceiverConfig> receivers) {
  auto next = std::make_shared<const std::vector<ReceiverConfig>>(std::move(receivers));
  MutexLock lock(mu_);
  receivers_ = std::move(next);
}

std::shared_ptr<const std::vector<ReceiverConfig>> DeliverySecrets::snapshot() const {
  MutexLock lock(mu_);
  return receivers_;
}

Result<SendTarget> DeliverySecrets::resolve(const OutboxRow& row) const {
  const OutboxMessage& m = row.message;
  auto name = parse_integration(m.integration);
  if (!name) return make_error(ErrorCode::Internal, "unknown integration " + m.integration);
  if (name->kind == "webhook") return SendTarget{.url = m.url, .body = m.body};
  auto receivers = snapshot();
  const ReceiverConfig* receiver = find_receiver(*receivers, m.receiver);
  if (name->kind == "pagerduty") {
    const PagerDutyConfig* config = nullptr;
    if (receiver && name->index < receiver->pagerduty_configs.size()) {
      config = &receiver->pagerduty_configs[name->index];
    }
    auto key = config ? pick(config->routing_key, config->routing_key_file, row, "routing key")
                      : pick(std::nullopt, std::nullopt, row, "routing key");
    if (!key) return tl::unexpected(key.error());
    auto body = add_routing_key(m.body, *key);
    if (!body) return tl::unexpected(body.error());
    return SendTarget{.url = m.url, .body = std::move(*body)};
  }
  if (name->kind == "slack") {
    const SlackConfig* config = nullptr;
    if (receiver && name->index < receiver->slack_configs.size()) {
      config = &receiver->slack_configs[name->index];
    }
    auto url = config ? pick(config->url, config->url_file, row, "webhook URL")
                      : pick(std::nullopt, std::nullopt, row, "webhook URL");
    if (!url) return tl::unexpected(url.error());
    return SendTarget{.url = std::move(*url), .body = m.body};
  }
  return make_error(ErrorCode::Internal, "unknown integration " + m.integration);
}

}  // namespace vitals::notify
