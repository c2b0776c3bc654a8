// Fuzzes the alert templates (alerts/template/template.h): Go's text/template parser, then
// execution with Prometheus' function map over a small fixed alert, both as a plain template and
// as an alert annotation (with Prometheus' preamble of $labels, $value…).
//
// Go templates are a language: `range` nested over `args`, templates that call each other
// twice, printf widths up to 1e6, reReplaceAll and variables doubled by print or an escaper make
// output and time grow exponentially in the text's length, in Go as here. Those are not bugs, so
// inputs that could grow that way are parsed but not executed (see bounded()).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "alerts/template/template.h"

namespace {

using vitals::alert_template::AlertTemplate;
using vitals::alert_template::Template;
using vitals::alert_template::TemplateData;

std::size_t count(std::string_view text, std::string_view word) {
  std::size_t n = 0;
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    ++n;
  }
  return n;
}

bool bounded(std::string_view text) {
  // Loops and template calls multiply what their bodies do; `args` makes a map to range over
  // as long as the text.
  const std::size_t loops = count(text, "range") + count(text, "template") + count(text, "block");
  if (loops > 2 || (loops > 1 && count(text, "args") > 0)) return false;
  // print, printf and println concatenate, reReplaceAll can put its replacement between every
  // two characters, the escapers multiply a text's length.
  std::size_t growing = 0;
  for (std::string_view fn : {"print", "reReplaceAll", "args", "html", "js", "urlquery"}) {
    growing += count(text, fn);
  }
  if (growing > 2) return false;
  // printf pads to widths up to 1e6.
  if (text.find('%') == std::string_view::npos) return true;
  std::size_t digits = 0;
  for (char c : text) {
    digits = std::isdigit(static_cast<unsigned char>(c)) ? digits + 1 : 0;
    if (digits >= 6) return false;
  }
  return true;
}

const TemplateData& data() {
  static const TemplateData kData{
      .labels = {{"alertname", "CardDeclineSpike"},
                 {"service", "card-service"},
                 {"instance", "127.0.0.1:8081"},
                 {"severity", "page"}},
      .value = 0.4213,
      .external_labels = {{"agent", "vitals-1"}},
      .external_url = "http://vitals.example:9464/prefix",
  };
  return kData;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* raw, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(raw), size);
  const bool run = bounded(text);
  if (auto parsed = Template::parse("fuzz", text); parsed && run) (void)parsed->execute(data());
  AlertTemplate annotation("CardDeclineSpike", text);
  if (run) (void)annotation.expand(data());
  return 0;
}
