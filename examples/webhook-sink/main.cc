// webhook-sink: stands in for on-call in the demo world. It accepts notifications on any path
// (the agent's receivers post to /agent, Alertmanager's to /alertmanager, say), prints each one
// readably on stdout, and keeps the last ones for `GET /received`, a JSON list the end-to-end test
// reads: [{"index", "path", "received_at", "body"}], from `?since=<index>` on.
#include <httplib.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "examples/common/flags.h"
#include "examples/common/serve.h"
#include "render.h"

namespace {

using nlohmann::json;

constexpr std::size_t kKept = 2000;

struct Received {
  std::size_t index = 0;
  std::string path;
  std::string received_at;
  json body;
};

class Inbox {
 public:
  void add(std::string path, std::string received_at, json body) {
    std::lock_guard<std::mutex> lock(mu_);
    received_.push_back({next_++, std::move(path), std::move(received_at), std::move(body)});
    if (received_.size() > kKept) received_.pop_front();
  }

  json since(std::size_t first) const {
    std::lock_guard<std::mutex> lock(mu_);
    json list = json::array();
    for (const Received& r : received_) {
      if (r.index < first) continue;
      list.push_back(
          {{"index", r.index}, {"path", r.path}, {"received_at", r.received_at}, {"body", r.body}});
    }
    return list;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Received> received_;
  std::size_t next_ = 0;
};

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::size_t parse_index(const std::string& text) {
  std::size_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  int requested_port = 9099;  // 0: any free port
  vitals::examples::FlagSet flags;
  flags.add("--port", &requested_port);
  if (auto parsed = flags.parse(argc, argv); !parsed) {
    return vitals::examples::report_failure("webhook-sink", "flags", parsed.error());
  }
  Inbox inbox;
  httplib::Server server;
  server.Post(R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
    std::string at = utc_now();
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    std::cout << vitals::sink::render_notification(req.path, at, body, req.body) << "\n"
              << std::flush;
    inbox.add(req.path, std::move(at), body.is_discarded() ? json(req.body) : std::move(body));
    res.status = 200;
  });
  server.Get("/received", [&](const httplib::Request& req, httplib::Response& res) {
    std::size_t first = req.has_param("since") ? parse_index(req.get_param_value("since")) : 0;
    res.set_content(inbox.since(first).dump(), "application/json");
  });
  int port = requested_port;
  if (port == 0) {
    port = server.bind_to_any_port("127.0.0.1");
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    port = -1;
  }
  if (port < 0) {
    std::cerr << "webhook-sink: cannot listen on 127.0.0.1:" << requested_port << "\n";
    return 1;
  }
  std::cout << "webhook-sink listening on port " << port << "\n" << std::flush;
  return server.listen_after_bind() ? 0 : 1;
}
