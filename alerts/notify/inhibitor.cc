#include "alerts/notify/inhibitor.h"

#include <algorithm>

namespace vitals::notify {

Result<Inhibitor> Inhibitor::create(const std::vector<InhibitRuleConfig>& rules) {
  Inhibitor inhibitor;
  for (const InhibitRuleConfig& config : rules) {
    auto source = parse_matchers(config.source_matchers);
    if (!source) return tl::unexpected(source.error());
    auto target = parse_matchers(config.target_matchers);
    if (!target) return tl::unexpected(target.error());
    inhibitor.rules_.push_back({std::move(*source), std::move(*target), config.equal});
  }
  return inhibitor;
}

std::vector<std::string> Inhibitor::inhibited_by(const LabelPairs& target,
                                                 std::string_view target_fingerprint,
                                                 const std::vector<InhibitSource>& firing) const {
  std::vector<std::string> out;
  for (const Rule& rule : rules_) {
    if (!matches_all(rule.target, target)) continue;
    const bool two_sided = matches_all(rule.source, target);
    for (const InhibitSource& source : firing) {
      if (source.fingerprint == target_fingerprint) continue;
      if (!matches_all(rule.source, *source.labels)) continue;
      if (two_sided && matches_all(rule.target, *source.labels)) continue;
      const bool equal = std::all_of(rule.equal.begin(), rule.equal.end(), [&](const auto& name) {
        return label_value(*source.labels, name) == label_value(target, name);
      });
      if (equal) out.emplace_back(source.fingerprint);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace vitals::notify
