// What the agent does with secrets and untrusted callers, end to end: the admin token, a
// service's details token and a checker's secret metadata never reach the log (at debug level),
// the API, /metrics, the status page or the SQLite files; admin endpoints refuse without the
// token; the agent refuses to listen beyond loopback without one.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/agent_fixture.h"

namespace vitals::testing {
namespace {

constexpr const char* kAdminToken = "adm1n-t0ken-4f9c";
constexpr const char* kDetailsToken = "deta1ls-t0ken-77b2";
constexpr const char* kSecretMetadata = "example-secret";  // checkers-example's api_key

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each secret that occurs in `text`, for a failure message; empty when none does.
std::string secrets_in(const std::string& text) {
  std::string found;
  for (const char* secret : {kAdminToken, kDetailsToken, kSecretMetadata}) {
    if (text.find(secret) != std::string::npos) found += std::string(" ") + secret;
  }
  return found;
}

}  // namespace

TEST_CASE("secrets reach neither the log, the API, /metrics, the status page nor the files") {
  TempDir dir;
  ExampleService failing = start_example({"--fail", "--details-token", kDetailsToken});
  dir.write_file("admin-token", kAdminToken);
  dir.write_file("details-token", kDetailsToken);
  const std::string config =
      dir.write_file("vitals.yml",
                     "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                     "web: {admin_token_file: admin-token}\n"
                     "services:\n"
                     "  - name: payments\n"
                     "    health_url: " +
                         failing.url("/health") + "\n    metrics_url: " + failing.url("/metrics") +
                         "\n"
                         "    authorization: {credentials_file: details-token}\n"
                         "status_page:\n"
                         "  components: [{name: Payments, services: [payments]}]\n");
  Process process = spawn_with_stderr(
      VITALS_AGENT_BIN, {"--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                         "--storage.path=" + dir.file("data/vitals.db"), "--log.level=debug"});
  constexpr std::string_view kListening = "vitals-agent listening on port ";
  auto line = process.wait_for_line(kListening, kStartTimeout);
  REQUIRE_MESSAGE(line, why(line));
  Agent agent{std::move(process), port_after(*line, kListening)};
  agent.wait_for_check("payments", "fail", "unhealthy");
  // The most talkative level is on: at least one debug line came before the log is searched.
  agent.wait_for_log({"level=debug", "msg=\"metrics scraped\""});

  // The details token works: the agent sees the checker's error and its public metadata.
  const nlohmann::json checks =
      poll_data(agent.port, "/api/v1/checks", [](const nlohmann::json& d) {
        return find_by(d["checks"], "check", "fail").contains("error");
      });
  const nlohmann::json fail = find_by(checks["checks"], "check", "fail");
  CHECK(fail["error"] == "payments upstream refused the connection");
  CHECK(fail["metadata"]["upstream"] == "127.0.0.1:9");
  CHECK_FALSE(fail["metadata"].contains("api_key"));

  // Admin endpoints: refused without the token or with a wrong one, allowed with it.
  CHECK(post(agent.port, "/-/reload").status == 401);
  CHECK(post(agent.port, "/-/reload", bearer("wrong")).status == 401);
  CHECK(post(agent.port, "/-/reload", bearer(kAdminToken)).status == 200);

  std::string served;
  for (const char* path : {"/api/v1/services", "/api/v1/checks", "/api/v1/history?target=payments",
                           "/api/v1/status", "/metrics", "/"}) {
    served += get(agent.port, path).body;
  }
  CHECK_MESSAGE(secrets_in(served).empty(), "served:" << secrets_in(served));

  agent.process.terminate(5s);
  std::string logged;
  for (const std::string& text : agent.process.output()) logged += text + "\n";
  CHECK_MESSAGE(secrets_in(logged).empty(), "logged:" << secrets_in(logged) << agent.said());

  for (const auto& entry : std::filesystem::directory_iterator(dir.file("data"))) {
    const std::string bytes = file_bytes(entry.path());
    CHECK_MESSAGE(secrets_in(bytes).empty(), entry.path() << " holds" << secrets_in(bytes));
  }
}

TEST_CASE("the agent refuses to listen beyond loopback without an admin token") {
  TempDir dir;
  const std::string config = dir.write_file("vitals.yml", "global: {scrape_interval: 1s}\n");
  const ToolRun run =
      run_to_exit(VITALS_AGENT_BIN, {"--config.file=" + config, "--web.listen-address=0.0.0.0:0",
                                     "--storage.path=" + dir.file("vitals.db")});
  CHECK(run.status.exited_with(1));
  CHECK_MESSAGE(run.output.find("without an admin token") != std::string::npos, run.output);
  CHECK_FALSE(std::filesystem::exists(dir.file("vitals.db")));  // refused before any file
}

}  // namespace vitals::testing
