#include "vitals/common/log.h"

#include <atomic>
#include <cstdio>

#include "vitals/common/clock.h"
#include "vitals/common/time_format.h"

namespace vitals::log {
namespace {

std::atomic<Level> minimum_level{Level::Info};
std::atomic<Format> output_format{Format::Logfmt};

std::string_view level_name(Level level) {
  switch (level) {
    case Level::Debug:
      return "debug";
    case Level::Info:
      return "info";
    case Level::Warn:
      return "warn";
    case Level::Error:
      return "error";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

// logfmt quotes a value holding spaces, quotes, '=' or control characters, with JSON's escapes.
void append_logfmt_value(std::string& out, std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) plain = false;
  }
  if (plain) {
    out += value;
  } else {
    append_json_string(out, value);
  }
}

}  // namespace

void configure(Level minimum, Format format) {
  minimum_level = minimum;
  output_format = format;
}

bool parse_level(std::string_view name, Level& out) {
  for (Level level : {Level::Debug, Level::Info, Level::Warn, Level::Error}) {
    if (level_name(level) == name) {
      out = level;
      return true;
    }
  }
  return false;
}

bool parse_format(std::string_view name, Format& out) {
  if (name == "logfmt")
    out = Format::Logfmt;
  else if (name == "json")
    out = Format::Json;
  else
    return false;
  return true;
}

std::string format_line(Format format, std::string_view timestamp, Level level,
                        std::string_view message, std::initializer_list<Field> fields,
                        OmitEmpty omit) {
  std::string line;
  if (format == Format::Json) {
    line += "{\"ts\":";
    append_json_string(line, timestamp);
    line += ",\"level\":";
    append_json_string(line, level_name(level));
    line += ",\"msg\":";
    append_json_string(line, message);
    for (const auto& [key, value] : fields) {
      if (omit == OmitEmpty::Yes && value.empty()) continue;
      line += ',';
      append_json_string(line, key);
      line += ':';
      append_json_string(line, value);
    }
    line += "}\n";
    return line;
  }
  line += "ts=";
  line += timestamp;
  line += " level=";
  line += level_name(level);
  line += " msg=";
  append_logfmt_value(line, message);
  for (const auto& [key, value] : fields) {
    if (omit == OmitEmpty::Yes && value.empty()) continue;
    line += ' ';
    line += key;
    line += '=';
    append_logfmt_value(line, value);
  }
  line += '\n';
  return line;
}

bool enabled(Level level) {
  return level >= minimum_level.load();
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields,
           OmitEmpty omit) {
  if (!enabled(level)) return;
  std::string line = format_line(output_format.load(), format_rfc3339(real_clock().wall_now()),
                                 level, message, fields, omit);
  std::fwrite(line.data(), 1, line.size(), stderr);  // one call: lines never interleave
}

}  // namespace vitals::log
