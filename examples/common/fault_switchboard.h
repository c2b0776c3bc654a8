// Faults a demo service can switch on and off while it runs, so people and tests can see what
// each failure looks like from outside: POST /fault/{name} turns one on, DELETE /fault/{name}
// clears it, GET /fault lists them.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"

namespace httplib {
class Server;
}

namespace vitals::examples {

struct Fault {
  std::string name{};
  std::string effect{};  // one line for people: what turning it on does
  // Makes the fault real when it turns on (true) or off (false), e.g. takes a lock. An error
  // leaves the fault as it was. Runs on the caller of set(), never concurrently with itself.
  std::function<Result<void>(bool on)> apply{};
};

// Thread-safe.
class FaultSwitchboard {
 public:
  explicit FaultSwitchboard(std::vector<Fault> faults);
  // Turns every fault off first, so nothing a fault holds (a lock, a hung checker) outlives it.
  ~FaultSwitchboard();
  FaultSwitchboard(const FaultSwitchboard&) = delete;
  FaultSwitchboard& operator=(const FaultSwitchboard&) = delete;

  // NotFound for a fault not given to the constructor; the apply hook's error otherwise.
  // Setting a fault to the state it is in does nothing and succeeds.
  Result<void> set(std::string_view name, bool on) EXCLUDES(change_mu_, mu_);
  bool is_on(std::string_view name) const EXCLUDES(mu_);
  // Blocks while `name` is on, for at most `limit`: how a fault hangs a checker.
  void wait_while_on(std::string_view name, Duration limit) const EXCLUDES(mu_);
  // Turns every fault off.
  void clear_all() EXCLUDES(change_mu_, mu_);

  std::vector<std::string> active() const EXCLUDES(mu_);  // by name
  const std::vector<Fault>& known() const { return faults_; }

 private:
  const Fault* find(std::string_view name) const;

  const std::vector<Fault> faults_;
  Mutex change_mu_;  // one change, hook included, at a time
  mutable Mutex mu_;
  mutable std::condition_variable changed_;
  std::map<std::string, bool, std::less<>> on_ GUARDED_BY(mu_);
};

// Adds POST and DELETE /fault/{name} (204; 404 with the known faults as JSON for an unknown
// name; 500 with the reason when the fault cannot be applied) and GET /fault
// ({"active":[…],"known":{name: effect}}). `faults` must outlive the server.
void mount_fault_routes(httplib::Server& server, FaultSwitchboard& faults);

}  // namespace vitals::examples
