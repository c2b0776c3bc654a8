// Fuzzes Alertmanager's label matcher syntax: the config's parser (agent/config/matcher.h) and
// the notifier's compiled matchers (alerts/notify/matcher.h), matched against a fixed label set
// and printed back; and each line of the input as one matcher of a list, as a silence's are.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/matcher.h"
#include "alerts/notify/matcher.h"

namespace {

const vitals::LabelPairs& labels() {
  static const vitals::LabelPairs kLabels{{"alertname", "CardDeclineSpike"},
                                          {"service", "card-service"},
                                          {"severity", "page"},
                                          {"team", "payments"}};
  return kLabels;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)vitals::parse_label_matcher(text);
  if (auto matcher = vitals::notify::Matcher::parse(text)) {
    (void)matcher->matches(labels());
    (void)matcher->matches_value(text);
    (void)matcher->to_string();
    (void)vitals::notify::label_value(labels(), matcher->spec().name);
  }
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (auto matchers = vitals::notify::parse_matchers(lines)) {
    (void)vitals::notify::matches_all(*matchers, labels());
    (void)vitals::notify::matchers_text(*matchers);
  }
  return 0;
}
