// What the agent's integration tests share: starting the real vitals-agent and checkers-example
// binaries on loopback, reading the agent's log (its stderr, merged into the pipe the test reads),
// asking its JSON API and /metrics, and running a tool to completion. Every child is a Process,
// so it is stopped however the test case ends.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/support/http_get.h"
#include "tests/support/process.h"
#include "tests/support/service_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

namespace vitals::testing {

using namespace std::chrono_literals;

// Generous for a loaded 2-core machine; every wait below returns as soon as its event happens.
constexpr auto kStartTimeout = 10s;
constexpr auto kEventTimeout = 10s;
// How long the API may take to show what the log already said (the agent publishes its
// snapshot up to 20 ms after logging a change; history commits within 200 ms).
constexpr auto kSettleTimeout = 5s;

inline httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// A loopback port nothing listens on: the kernel picks it, and it is closed again at once.
inline int unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
               ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  REQUIRE_MESSAGE(bound, "cannot bind a loopback port");
  return ntohs(addr.sin_port);
}

// Which of a child's streams the test reads.
enum class Streams { StdoutAndStderr, StderrOnly };

// `binary` with its stderr joined to its stdout (or alone, stdout dropped), so the test can wait
// on log lines, and its stdin read from `stdin_file`. The shell execs the binary, so the
// Process's pid and signals are the binary's own.
inline Process spawn_with_stderr(const std::string& binary, const std::vector<std::string>& args,
                                 const std::string& stdin_file = "/dev/null",
                                 Streams streams = Streams::StdoutAndStderr) {
  std::string script = streams == Streams::StderrOnly
                           ? "f=$1; shift; exec \"$@\" <\"$f\" 2>&1 >/dev/null"
                           : "f=$1; shift; exec \"$@\" <\"$f\" 2>&1";
  std::vector<std::string> argv = {"-c", script, "sh", stdin_file, binary};
  argv.insert(argv.end(), args.begin(), args.end());
  auto process = Process::spawn("/bin/sh", argv);
  REQUIRE_MESSAGE(process, why(process));
  return std::move(*process);
}

// The first path of `name` on $PATH.
inline std::optional<std::string> find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

struct ToolRun {
  ExitStatus status;
  std::string output;  // the streams read, in the order written
};

// Runs `binary` to its end (stdin from `stdin_file`; `streams` read) and fails the test when it
// takes longer than `timeout`.
inline ToolRun run_to_exit(const std::string& binary, const std::vector<std::string>& args,
                           const std::string& stdin_file = "/dev/null",
                           Streams streams = Streams::StdoutAndStderr,
                           Duration timeout = kStartTimeout) {
  Process process = spawn_with_stderr(binary, args, stdin_file, streams);
  // No line matches: this reads until the child closes its output.
  auto none = process.wait_for_line_where([](std::string_view) { return false; }, timeout);
  REQUIRE_MESSAGE(none.error().code == ErrorCode::Unavailable,
                  binary << " did not finish in time: " << to_string(none.error()));
  auto status = process.wait_exit(timeout);
  REQUIRE_MESSAGE(status, why(status));
  ToolRun run{*status, {}};
  for (const std::string& line : process.output()) run.output += line + "\n";
  return run;
}

// A checkers-example service on a port of its own.
using ExampleService = ServiceProcess;

// Starts checkers-example with `flags` (--fail, --degrade, --hang, --details-token T…). It stops
// at once on SIGTERM (no drain grace), and is killed when the test case ends.
inline ExampleService start_example(std::vector<std::string> flags) {
  flags.insert(flags.end(), {"--port", "0", "--drain-grace", "0s"});
  return start_service_process(CHECKERS_EXAMPLE_BIN, flags, kStartTimeout,
                               "listening on http://127.0.0.1:");
}

// A running vitals-agent. Its stdout and log lines come through `process`.
struct Agent {
  Process process;
  int port = 0;

  // Everything the agent printed so far, for failure messages.
  std::string said() const {
    std::string text;
    for (const std::string& line : process.output()) text += "\n  | " + line;
    return text;
  }

  // Waits for a log line that contains every one of `parts`, e.g. {"target=db", "status=down"}.
  std::string wait_for_log(std::initializer_list<std::string_view> parts,
                           Duration timeout = kEventTimeout) {
    std::vector<std::string> wanted(parts.begin(), parts.end());
    auto line = process.wait_for_line_where(
        [&](std::string_view text) {
          for (const std::string& part : wanted) {
            if (text.find(part) == std::string_view::npos) return false;
          }
          return true;
        },
        timeout);
    std::string what;
    for (const std::string& part : wanted) what += " [" + part + "]";
    REQUIRE_MESSAGE(line, "waiting for a log line with" << what << ": " << why(line));
    return *line;
  }

  // Waits for the agent to log that `target` (a service or probe: `kind`) turned `status`.
  std::string wait_for_state(const std::string& target, std::string_view kind,
                             const std::string& status) {
    return wait_for_log({"msg=\"state change\" target=" + target + " kind=" + std::string(kind) +
                         " status=" + status});
  }
  // The same for one check of a service.
  std::string wait_for_check(const std::string& service, const std::string& check,
                             const std::string& status) {
    return wait_for_log({"msg=\"state change\" target=" + service + " kind=check check=" + check +
                         " status=" + status});
  }
};

// Starts `vitals-agent --config.file=<config> --storage.path=<storage>` on a free loopback port
// and waits until it serves.
inline Agent start_agent(const std::string& config, const std::string& storage,
                         std::string listen = "127.0.0.1:0") {
  Process process = spawn_with_stderr(
      VITALS_AGENT_BIN,
      {"--config.file=" + config, "--web.listen-address=" + listen, "--storage.path=" + storage});
  constexpr std::string_view kListening = "vitals-agent listening on port ";
  auto line = process.wait_for_line(kListening, kStartTimeout);
  REQUIRE_MESSAGE(line, why(line));
  int port = port_after(*line, kListening);
  return Agent{std::move(process), port};
}

// The same through `launcher`, a command line that ends by exec'ing the agent's own (`env
// VAR=… `, `unshare … sh -c '…; exec "$@"' sh`), so the Process is still the agent itself.
inline Agent start_agent_via(std::vector<std::string> launcher, const std::string& config,
                             const std::string& storage) {
  REQUIRE(!launcher.empty());
  const std::string command = launcher.front();
  launcher.erase(launcher.begin());
  launcher.insert(launcher.end(),
                  {VITALS_AGENT_BIN, "--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                   "--storage.path=" + storage});
  Process process = spawn_with_stderr(command, launcher);
  constexpr std::string_view kListening = "vitals-agent listening on port ";
  auto line = process.wait_for_line(kListening, kStartTimeout);
  std::string said;
  for (const std::string& text : process.output()) said += "\n  | " + text;
  REQUIRE_MESSAGE(line, why(line) << said);
  return Agent{std::move(process), port_after(*line, kListening)};
}

inline HttpReply get(int port, const std::string& path, const httplib::Headers& headers = {}) {
  auto reply = http_get(port, path, headers);
  REQUIRE_MESSAGE(reply, why(reply));
  return *reply;
}

inline HttpReply post(int port, const std::string& path, const httplib::Headers& headers = {}) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2s);
  client.set_read_timeout(10s);
  auto result = client.Post(path, headers, "", "text/plain");
  REQUIRE_MESSAGE(result, "POST " << path << ": " << httplib::to_string(result.error()));
  return HttpReply{result->status, result->body, result->get_header_value("Content-Type"), {}};
}

// The `data` of a successful JSON API answer.
inline nlohmann::json get_data(int port, const std::string& path,
                               const httplib::Headers& headers = {}) {
  HttpReply reply = get(port, path, headers);
  REQUIRE_MESSAGE(reply.status == 200, "GET " << path << ": " << reply.status << " " << reply.body);
  auto body = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  REQUIRE_MESSAGE((!body.is_discarded() && body.value("status", "") == "success"),
                  "GET " << path << ": " << reply.body);
  return body["data"];
}

// Between two tries of a poll: well inside the API's rate limit (100 a second per client).
constexpr auto kPollPause = 20ms;

// Asks `path` until its data satisfies `done` or `timeout` passes; returns the last data. For
// what the log has already announced but the API shows a moment later: each try is a full round
// trip, and the wait is bounded.
template <class Done>
nlohmann::json poll_data(int port, const std::string& path, Done done,
                         Duration timeout = kSettleTimeout) {
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json data = get_data(port, path);
  while (!done(data) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kPollPause);
    data = get_data(port, path);
  }
  return data;
}

// The element of `list` whose `key` is `value`; an empty object when there is none, so a
// missing element fails the checks that read it rather than throwing.
inline nlohmann::json find_by(const nlohmann::json& list, const std::string& key,
                              const std::string& value) {
  for (const auto& item : list) {
    if (item.is_object() && item.value(key, "") == value) return item;
  }
  return nlohmann::json::object();
}

// One sample of a text exposition.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses the text exposition format's sample lines (comments skipped, timestamps ignored). No
// std::regex: g++ 12 under ASan warns falsely inside <regex>, and warnings are errors.
inline std::vector<Sample> parse_samples(const std::string& text) {
  std::vector<Sample> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    std::size_t i = line.find_first_of("{ ");
    if (i == std::string::npos) continue;
    sample.name = line.substr(0, i);
    if (line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size()) break;
        std::string key = line.substr(i, eq - i);
        std::string value;
        std::size_t j = eq + 2;  // past ="
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) {
            ++j;
            value += line[j] == 'n' ? '\n' : line[j];
          } else {
            value += line[j];
          }
        }
        sample.labels[key] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // past }
    }
    std::istringstream rest(line.substr(std::min(i, line.size())));
    std::string number;
    rest >> number;
    sample.value = std::strtod(number.c_str(), nullptr);
    samples.push_back(std::move(sample));
  }
  return samples;
}

// The value of the sample `name` with exactly `labels`; none when absent.
inline std::optional<double> sample_value(const std::vector<Sample>& samples,
                                          const std::string& name,
                                          const std::map<std::string, std::string>& labels = {}) {
  for (const Sample& sample : samples) {
    if (sample.name == name && sample.labels == labels) return sample.value;
  }
  return std::nullopt;
}

inline std::vector<Sample> get_metrics(int port) {
  HttpReply reply = get(port, "/metrics");
  REQUIRE_MESSAGE(reply.status == 200, "GET /metrics: " << reply.status << " " << reply.body);
  return parse_samples(reply.body);
}

// Reads /metrics until `done(samples)` or `timeout` passes; returns the last samples. For what
// the agent updates just after logging it; each try is a full round trip, and the wait is bounded.
template <class Done>
std::vector<Sample> poll_metrics(int port, Done done, Duration timeout = kSettleTimeout) {
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Sample> samples = get_metrics(port);
  while (!done(samples) && std::chrono::steady_clock::now() < deadline) samples = get_metrics(port);
  return samples;
}

// `PRAGMA integrity_check` through SQLite's own C API: "ok", or what it found.
inline std::string integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  int opened = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  std::string result;
  if (opened != SQLITE_OK) {
    result = "cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return result;
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) != SQLITE_OK) {
    result = std::string("cannot prepare: ") + sqlite3_errmsg(db);
  }
  while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    if (!result.empty()) result += "\n";
    result += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return result;
}

}  // namespace vitals::testing
