#include "alerts/rules/alert_state_store.h"

#include <array>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "vitals/common/sqlite/db.h"

namespace vitals::rules {
namespace {

constexpr std::array kMigrations = {
    sqlite::Migration{1, R"sql(
      CREATE TABLE rule_group (
        name TEXT PRIMARY KEY,
        evaluated_at_ms INTEGER NOT NULL,
        alerts_json TEXT NOT NULL
      );
    )sql"},
};

nlohmann::json pairs_json(const LabelPairs& pairs) {
  nlohmann::json out = nlohmann::json::object();
  for (const LabelPair& pair : pairs) out[pair.name] = pair.value;
  return out;
}

LabelPairs pairs_of(const nlohmann::json& object) {
  LabelPairs out;
  for (const auto& [name, value] : object.items()) out.push_back({name, value.get<std::string>()});
  return out;  // nlohmann's object keeps keys sorted
}

nlohmann::json alert_json(const Alert& alert) {
  return {{"labels", pairs_json(alert.labels)},
          {"annotations", pairs_json(alert.annotations)},
          {"value", alert.value},
          {"state", std::string(to_string(alert.state))},
          {"active_at", alert.active_at_ms},
          {"fired_at", alert.fired_at_ms},
          {"resolved_at", alert.resolved_at_ms},
          {"last_sent_at", alert.last_sent_at_ms},
          {"keep_firing_since", alert.keep_firing_since_ms},
          {"valid_until", alert.valid_until_ms}};
}

AlertState state_of(const std::string& text) {
  if (text == "firing") return AlertState::Firing;
  if (text == "pending") return AlertState::Pending;
  return AlertState::Inactive;
}

Alert alert_of(const nlohmann::json& json) {
  Alert alert;
  alert.labels = pairs_of(json.at("labels"));
  alert.annotations = pairs_of(json.at("annotations"));
  // A NaN value is stored as null by nlohmann.
  alert.value = json.at("value").is_number() ? json.at("value").get<double>() : std::nan("");
  alert.state = state_of(json.at("state").get<std::string>());
  alert.active_at_ms = json.at("active_at").get<std::int64_t>();
  alert.fired_at_ms = json.at("fired_at").get<std::int64_t>();
  alert.resolved_at_ms = json.at("resolved_at").get<std::int64_t>();
  alert.last_sent_at_ms = json.at("last_sent_at").get<std::int64_t>();
  alert.keep_firing_since_ms = json.at("keep_firing_since").get<std::int64_t>();
  alert.valid_until_ms = json.at("valid_until").get<std::int64_t>();
  return alert;
}

std::string rules_json(const RuleAlerts& rules) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [rule, alerts] : rules) {
    nlohmann::json list = nlohmann::json::array();
    for (const Alert& alert : alerts) list.push_back(alert_json(alert));
    out.push_back({{"rule", rule}, {"alerts", std::move(list)}});
  }
  return out.dump();
}

}  // namespace

struct AlertStateStore::Impl {
  sqlite::Db db;
  sqlite::Statement upsert;
  sqlite::Statement touch;
  sqlite::Statement select;
  std::map<std::string, std::string> saved;  // group -> alerts_json last written
};

AlertStateStore::AlertStateStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AlertStateStore::~AlertStateStore() = default;

Result<std::unique_ptr<AlertStateStore>> AlertStateStore::open(const std::string& path) {
  auto db = sqlite::Db::open(path);
  if (!db) return tl::unexpected(db.error());
  if (auto migrated = sqlite::migrate(*db, kMigrations); !migrated) {
    return tl::unexpected(migrated.error());
  }
  auto upsert = db->prepare(
      "INSERT INTO rule_group (name, evaluated_at_ms, alerts_json) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (name) DO UPDATE SET evaluated_at_ms = ?2, alerts_json = ?3");
  if (!upsert) return tl::unexpected(upsert.error());
  auto touch = db->prepare("UPDATE rule_group SET evaluated_at_ms = ?2 WHERE name = ?1");
  if (!touch) return tl::unexpected(touch.error());
  auto select = db->prepare("SELECT evaluated_at_ms, alerts_json FROM rule_group WHERE name = ?1");
  if (!select) return tl::unexpected(select.error());
  auto impl = std::make_unique<Impl>(
      Impl{std::move(*db), std::move(*upsert), std::move(*touch), std::move(*select), {}});
  return std::unique_ptr<AlertStateStore>(new AlertStateStore(std::move(impl)));
}

Result<void> AlertStateStore::save(const std::string& group, std::int64_t evaluated_at_ms,
                                   const RuleAlerts& rules) {
  std::string json = rules_json(rules);
  auto saved = impl_->saved.find(group);
  const bool changed = saved == impl_->saved.end() || saved->second != json;
  sqlite::Statement& statement = changed ? impl_->upsert : impl_->touch;
  Result<void> bound = changed ? statement.bind_all(group, evaluated_at_ms, json)
                               : statement.bind_all(group, evaluated_at_ms);
  if (!bound) return bound;
  if (auto ran = statement.run(); !ran) return ran;
  if (changed) impl_->saved[group] = std::move(json);
  return {};
}

std::optional<StoredGroup> AlertStateStore::load(const std::string& group) {
  if (!impl_->select.bind_all(group)) return std::nullopt;
  auto step = impl_->select.step();
  if (!step || *step != sqlite::Step::Row) return std::nullopt;
  StoredGroup stored{.evaluated_at_ms = impl_->select.column_int64(0)};
  std::string json = impl_->select.column_text(1);
  impl_->select.reset();
  auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) return std::nullopt;
  try {
    for (const auto& rule : parsed) {
      std::vector<Alert> alerts;
      for (const auto& alert : rule.at("alerts")) alerts.push_back(alert_of(alert));
      stored.rules.emplace_back(rule.at("rule").get<std::string>(), std::move(alerts));
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged row: the group starts afresh
  }
  impl_->saved[group] = json;
  return stored;
}

Result<void> AlertStateStore::keep_only(const std::vector<std::string>& groups) {
  auto all = impl_->db.prepare("SELECT name FROM rule_group");
  if (!all) return tl::unexpected(all.error());
  std::set<std::string> keep(groups.begin(), groups.end());
  std::vector<std::string> drop;
  for (;;) {
    auto step = all->step();
    if (!step) return tl::unexpected(step.error());
    if (*step == sqlite::Step::Done) break;
    std::string name = all->column_text(0);
    if (!keep.contains(name)) drop.push_back(std::move(name));
  }
  auto remove = impl_->db.prepare("DELETE FROM rule_group WHERE name = ?1");
  if (!remove) return tl::unexpected(remove.error());
  for (const std::string& name : drop) {
    if (auto bound = remove->bind_all(name); !bound) return bound;
    if (auto ran = remove->run(); !ran) return ran;
    impl_->saved.erase(name);
  }
  return {};
}

void apply_grace_period(std::vector<Alert>& alerts, std::int64_t for_ms, std::int64_t down_at_ms,
                        std::int64_t now_ms, std::int64_t grace_ms) {
  if (for_ms <= grace_ms) return;
  for (Alert& alert : alerts) {
    if (alert.state != AlertState::Pending) continue;
    const std::int64_t fires_at = alert.active_at_ms + for_ms;
    // Due before the agent went down: it fires at the next evaluation, as it would have.
    if (fires_at <= down_at_ms) continue;
    if (fires_at < now_ms + grace_ms) alert.active_at_ms = now_ms + grace_ms - for_ms;
  }
}

}  // namespace vitals::rules
