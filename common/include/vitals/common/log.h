// Structured logging to stderr, in logfmt (`ts=… level=info msg="…" key=value`) or JSON lines,
// Prometheus' two formats. Thread-safe; one line per call, written whole.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace vitals::log {

enum class Level { Debug, Info, Warn, Error };
enum class Format { Logfmt, Json };

using Field = std::pair<std::string_view, std::string>;
// Yes: fields whose value is empty are left out of the line (e.g. "check" for a probe).
enum class OmitEmpty { No, Yes };

// Set once at start-up, before other threads log.
void configure(Level minimum, Format format);
// "debug", "info", "warn", "error" / "logfmt", "json"; false when the name is unknown.
bool parse_level(std::string_view name, Level& out);
bool parse_format(std::string_view name, Format& out);
// Whether a line of `level` would be written: hot paths ask first, so a debug line's fields are
// not formatted just to be dropped.
bool enabled(Level level);

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {},
           OmitEmpty omit = OmitEmpty::No);

inline void debug(std::string_view m, std::initializer_list<Field> f = {},
                  OmitEmpty omit = OmitEmpty::No) {
  write(Level::Debug, m, f, omit);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {},
                 OmitEmpty omit = OmitEmpty::No) {
  write(Level::Info, m, f, omit);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {},
                 OmitEmpty omit = OmitEmpty::No) {
  write(Level::Warn, m, f, omit);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {},
                  OmitEmpty omit = OmitEmpty::No) {
  write(Level::Error, m, f, omit);
}

// One log line as text, without writing it; for tests.
std::string format_line(Format format, std::string_view timestamp, Level level,
                        std::string_view message, std::initializer_list<Field> fields,
                        OmitEmpty omit = OmitEmpty::No);

}  // namespace vitals::log
