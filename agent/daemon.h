// The running agent: loads the configuration, owns the network thread with its scheduler and
// watched targets, the history store, the self-metrics and the web server, and swaps in a new
// configuration on reload without losing the state of targets that stayed the same.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agent/state/views.h"
#include "vitals/common/error.h"

namespace vitals {

struct DaemonOptions {
  std::string config_file{};
  std::optional<std::string> listen_address{};  // --web.listen-address, over the file's
  std::optional<std::string> storage_path{};    // --storage.path, over the file's
};

// Thread-safe.
class Daemon {
 public:
  // Loads and validates the configuration, opens the history, starts watching and serving.
  // Any failure on the way is returned with its reason and nothing is left running.
  static Result<std::unique_ptr<Daemon>> start(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Reads the configuration file again. An invalid one is refused with its reason, logged, and
  // the running one stays. Settings that need a restart (listen address, storage path, admin
  // token) are kept as they were, with a warning.
  Result<void> reload();
  // Stops serving and watching, flushes the history. Idempotent.
  void stop();

  int web_port() const;
  std::shared_ptr<const AgentSnapshot> snapshot() const;
  std::string render_metrics() const;

 private:
  struct Impl;
  explicit Daemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitals
