// vitals-agent: flags in Prometheus' style, the `check config`, `check rules` and `test rules`
// commands, and the signals that reload (SIGHUP) and stop (SIGTERM, SIGINT) the daemon.
#include <sys/resource.h>

#include <csignal>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/load_config.h"
#include "agent/daemon.h"
#include "alerts/rules/check_rules.h"
#include "alerts/unittest/test_rules_command.h"
#include "vitals/common/log.h"

namespace vitals {
namespace {

constexpr std::string_view kUsage = R"(usage:
  vitals-agent --config.file=vitals.yml [--web.listen-address=127.0.0.1:9464]
               [--storage.path=data/vitals.db] [--log.level=info] [--log.format=logfmt|json]
  vitals-agent check config FILE...   exit 0 when every file is valid, 1 otherwise
  vitals-agent check rules [--lint=duplicate-rules|all|none] [--lint-fatal] FILE...
                                      like promtool check rules
  vitals-agent test rules [--run=REGEX]... FILE...
                                      runs promtool's rule unit-test files, like promtool
)";

struct Flags {
  DaemonOptions daemon;
  log::Level level = log::Level::Info;
  log::Format format = log::Format::Logfmt;
};

// Every target keeps a connection open between scrapes, and every probe needs one: the soft
// limit on open files (often 1024) goes up to the hard one, as Go's runtime does for Prometheus.
void raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  (void)setrlimit(RLIMIT_NOFILE, &limit);
}

// Accepts --name=value and --name value.
Result<Flags> parse_flags(const std::vector<std::string_view>& args) {
  Flags flags;
  flags.daemon.config_file = "vitals.yml";
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view name = arg.substr(0, arg.find('='));
    std::string value;
    if (arg.find('=') != std::string_view::npos) {
      value = arg.substr(arg.find('=') + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return make_error(ErrorCode::InvalidArgument, "flag " + std::string(name) + " needs a value");
    }
    if (name == "--config.file") {
      flags.daemon.config_file = value;
    } else if (name == "--web.listen-address") {
      flags.daemon.listen_address = value;
    } else if (name == "--storage.path") {
      flags.daemon.storage_path = value;
    } else if (name == "--log.level") {
      if (!log::parse_level(value, flags.level)) {
        return make_error(ErrorCode::InvalidArgument, "unknown --log.level " + value);
      }
    } else if (name == "--log.format") {
      if (!log::parse_format(value, flags.format)) {
        return make_error(ErrorCode::InvalidArgument, "unknown --log.format " + value);
      }
    } else {
      return make_error(ErrorCode::InvalidArgument, "unknown flag " + std::string(arg));
    }
  }
  return flags;
}

int check_config(const std::vector<std::string_view>& files) {
  if (files.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  int status = 0;
  for (std::string_view file : files) {
    auto config = load_config(std::string(file));
    if (config) {
      std::cout << file << ": SUCCESS: " << config->services.size() << " services, "
                << config->probes.size() << " probes\n";
    } else {
      std::cout << to_string(config.error()) << "\n";
      status = 1;
    }
  }
  return status;
}

// Blocks the signals in every thread (they inherit the mask) and takes them with sigwait here.
int serve(const Flags& flags) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // glibc's default malloc arenas. Capping them at 2 saves about a sixth of resident memory at
  // 10,000 probes, but under API load the network loop and the rules thread then waited on the
  // web workers' arena locks, and the API answered about half as fast (bench/load.sh).
  // MALLOC_ARENA_MAX=2 in the environment still makes that trade; malloc_trim each second
  // returns freed memory either way.
  raise_open_files_limit();

  auto daemon = Daemon::start(flags.daemon);
  if (!daemon) {
    log::error("vitals-agent cannot start", {{"reason", to_string(daemon.error())}});
    return 1;
  }
  std::cout << "vitals-agent listening on port " << (*daemon)->web_port() << "\n" << std::flush;
  for (;;) {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal == SIGHUP) {
      (void)(*daemon)->reload();  // a refusal is logged; the running configuration stays
      continue;
    }
    log::info("signal received, stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    (*daemon)->stop();
    return 0;
  }
}

int run(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (args.size() >= 2 && args[0] == "check" && args[1] == "config") {
    return check_config({args.begin() + 2, args.end()});
  }
  if (args.size() >= 2 && args[0] == "check" && args[1] == "rules") {
    return rules::check_rules_command({args.begin() + 2, args.end()}, std::cout, std::cerr);
  }
  if (args.size() >= 2 && args[0] == "test" && args[1] == "rules") {
    return unittest::test_rules_command({args.begin() + 2, args.end()}, std::cout, std::cerr);
  }
  auto flags = parse_flags(args);
  if (!flags) {
    std::cerr << "vitals-agent: " << to_string(flags.error()) << "\n" << kUsage;
    return 2;
  }
  log::configure(flags->level, flags->format);
  return serve(*flags);
}

}  // namespace
}  // namespace vitals

int main(int argc, char** argv) {
  return vitals::run(argc, argv);
}
