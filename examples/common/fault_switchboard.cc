#include "examples/common/fault_switchboard.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace vitals::examples {

FaultSwitchboard::FaultSwitchboard(std::vector<Fault> faults) : faults_(std::move(faults)) {
  MutexLock lock(mu_);
  for (const Fault& fault : faults_) on_[fault.name] = false;
}

FaultSwitchboard::~FaultSwitchboard() {
  clear_all();
}

const Fault* FaultSwitchboard::find(std::string_view name) const {
  for (const Fault& fault : faults_) {
    if (fault.name == name) return &fault;
  }
  return nullptr;
}

Result<void> FaultSwitchboard::set(std::string_view name, bool on) {
  const Fault* fault = find(name);
  if (fault == nullptr) {
    return make_error(ErrorCode::NotFound, "unknown fault \"" + std::string(name) + "\"");
  }
  MutexLock change(change_mu_);
  if (is_on(name) == on) return {};
  // The hook runs outside mu_: it may take a while (a lock on a file), and is_on() must not
  // wait for it.
  if (fault->apply) {
    if (auto applied = fault->apply(on); !applied) return applied;
  }
  {
    MutexLock lock(mu_);
    on_.find(name)->second = on;
  }
  changed_.notify_all();
  return {};
}

bool FaultSwitchboard::is_on(std::string_view name) const {
  MutexLock lock(mu_);
  auto it = on_.find(name);
  return it != on_.end() && it->second;
}

void FaultSwitchboard::wait_while_on(std::string_view name, Duration limit) const {
  MutexLock lock(mu_);
  auto it = on_.find(name);
  if (it == on_.end()) return;
  lock.wait_until(changed_, std::chrono::steady_clock::now() + limit, [&] { return !it->second; });
}

void FaultSwitchboard::clear_all() {
  for (const Fault& fault : faults_) (void)set(fault.name, false);
}

std::vector<std::string> FaultSwitchboard::active() const {
  MutexLock lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, on] : on_) {
    if (on) names.push_back(name);
  }
  return names;
}

namespace {

nlohmann::json known_json(const FaultSwitchboard& faults) {
  nlohmann::json known = nlohmann::json::object();
  for (const Fault& fault : faults.known()) known[fault.name] = fault.effect;
  return known;
}

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", "application/json");
}

void switch_fault(FaultSwitchboard& faults, const httplib::Request& req, httplib::Response& res,
                  bool on) {
  std::string name = req.matches[1];
  auto changed = faults.set(name, on);
  if (changed) {
    res.status = 204;
  } else if (changed.error().code == ErrorCode::NotFound) {
    reply_json(res, 404, {{"error", changed.error().message}, {"known", known_json(faults)}});
  } else {
    reply_json(res, 500, {{"error", changed.error().message}});
  }
}

}  // namespace

void mount_fault_routes(httplib::Server& server, FaultSwitchboard& faults) {
  constexpr const char* kOne = R"(/fault/([^/]+))";
  server.Post(kOne, [&faults](const httplib::Request& req, httplib::Response& res) {
    switch_fault(faults, req, res, true);
  });
  server.Delete(kOne, [&faults](const httplib::Request& req, httplib::Response& res) {
    switch_fault(faults, req, res, false);
  });
  server.Get("/fault", [&faults](const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, {{"active", faults.active()}, {"known", known_json(faults)}});
  });
}

}  // namespace vitals::examples
