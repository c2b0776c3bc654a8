// Alertmanager's inhibition rules, compiled once: an alert matching a rule's target_matchers is
// muted while another firing alert matches its source_matchers and has the same values for the
// rule's `equal` labels (a missing label equals a missing one). Immutable; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/config/alerting_config.h"
#include "agent/store/label_set.h"
#include "alerts/notify/matcher.h"
#include "vitals/common/error.h"

namespace vitals::notify {

// A firing alert that may inhibit others.
struct InhibitSource {
  std::string_view fingerprint{};
  const LabelPairs* labels{nullptr};
};

class Inhibitor {
 public:
  // InvalidArgument when a matcher does not parse.
  static Result<Inhibitor> create(const std::vector<InhibitRuleConfig>& rules);

  // The fingerprints (sorted, each once) of the alerts in `firing` that inhibit the alert
  // `target` (fingerprint `target_fingerprint`); empty when it is not inhibited. An alert never
  // inhibits itself; and, as in Alertmanager, when the target matches a rule's source matchers
  // too, sources that also match its target matchers do not count, so two alerts matching both
  // sides cannot mute each other.
  std::vector<std::string> inhibited_by(const LabelPairs& target,
                                        std::string_view target_fingerprint,
                                        const std::vector<InhibitSource>& firing) const;

  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    std::vector<Matcher> source{};
    std::vector<Matcher> target{};
    std::vector<std::string> equal{};
  };
  std::vector<Rule> rules_{};
};

}  // namespace vitals::notify
