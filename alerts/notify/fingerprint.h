// Identity of label sets as Alertmanager shows it: an alert's fingerprint and a group's label
// text. Both are pure functions of the labels, so they are the same in every process and after a
// restart. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "agent/store/label_set.h"

namespace vitals::notify {

// Prometheus' model.LabelSet.Fingerprint(): FNV-1a 64 over the labels sorted by name, each as
// name, 0xff, value, 0xff. The same number Alertmanager gives the same alert.
std::uint64_t label_hash(const LabelPairs& labels);
// label_hash as 16 lower-case hex digits (Alertmanager's Fingerprint.String()).
std::string fingerprint(const LabelPairs& labels);
// Prometheus' model.LabelSet.String(): `{alertname="X", service="y"}`, sorted by name, values
// quoted as Go's %q, separated by ", ".
std::string label_set_text(const LabelPairs& labels);

}  // namespace vitals::notify
