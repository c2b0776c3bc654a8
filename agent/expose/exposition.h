// Writes series in the Prometheus text exposition format 0.0.4: one HELP and TYPE per family,
// then its samples, with label values escaped as the format requires.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vitals {

using SeriesLabels = std::vector<std::pair<std::string, std::string>>;

// Not thread-safe; build one per rendering.
class Exposition {
 public:
  // Starts a family. Samples added to a name must follow its family; families must not repeat.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const SeriesLabels& labels, double value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Go's strconv.FormatFloat(v, 'g', -1, 64) spelling as Prometheus writes sample values:
// shortest round-trip digits, "+Inf", "-Inf", "NaN".
std::string format_sample_value(double value);

// Escapes a label value: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

}  // namespace vitals
