#include "vitals/checkers/health_registry.h"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "check_runner.h"
#include "vitals/common/secure_compare.h"

namespace vitals {
namespace {

int severity(CheckStatus status) {
  switch (status) {
    case CheckStatus::Unhealthy:
      return 2;
    case CheckStatus::Degraded:
      return 1;
    default:
      return 0;
  }
}

bool has_tag(const CheckState& check, const char* tag) {
  return check.tags.contains(tag);
}

}  // namespace

CheckStatus HealthSnapshot::status() const {
  CheckStatus worst = CheckStatus::Healthy;
  for (const CheckState& check : checks) {
    if (severity(check.status) > severity(worst)) worst = check.status;
  }
  return worst;
}

bool HealthSnapshot::live() const {
  for (const CheckState& check : checks) {
    if (has_tag(check, "live") && check.status == CheckStatus::Unhealthy) return false;
  }
  return true;
}

bool HealthSnapshot::ready() const {
  if (draining) return false;
  for (const CheckState& check : checks) {
    if (!has_tag(check, "ready")) continue;
    if (check.status == CheckStatus::Unhealthy || check.status == CheckStatus::Unknown) {
      return false;
    }
  }
  return true;
}

HealthRegistry::HealthRegistry(RegistryOptions options)
    : options_(std::move(options)), runner_(std::make_shared<detail::CheckRunner>(options_)) {}

HealthRegistry::~HealthRegistry() {
  runner_->shutdown();
}

Result<void> HealthRegistry::add(std::string name, Checker checker, CheckOptions options) {
  return runner_->add(std::move(name), std::move(checker), std::move(options));
}

std::shared_ptr<const HealthSnapshot> HealthRegistry::snapshot() const {
  return runner_->snapshot();
}

void HealthRegistry::drain() {
  runner_->drain();
}

void HealthRegistry::cap_timeouts(Duration limit) const {
  runner_->cap_timeouts(limit);
}

bool HealthRegistry::draining() const {
  return runner_->snapshot()->draining;
}

HealthRegistry::ListenerId HealthRegistry::on_change(std::string check_name, Listener listener) {
  return runner_->on_change(std::move(check_name), std::move(listener));
}

void HealthRegistry::remove_listener(ListenerId id) {
  runner_->remove_listener(id);
}

bool HealthRegistry::details_allowed(std::string_view authorization) const {
  if (options_.show_details_always) return true;
  if (options_.details_token.empty()) return false;
  static constexpr std::string_view kScheme = "Bearer ";
  if (authorization.substr(0, kScheme.size()) != kScheme) return false;
  return constant_time_equal(authorization.substr(kScheme.size()), options_.details_token);
}

std::shared_ptr<prometheus::Registry> HealthRegistry::metrics() const {
  return runner_->metrics();
}

std::string HealthRegistry::render_metrics() const {
  return prometheus::TextSerializer().Serialize(runner_->metrics()->Collect());
}

}  // namespace vitals
