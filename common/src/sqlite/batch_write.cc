#include "vitals/common/sqlite/batch_write.h"

#include <string>

#include "vitals/common/log.h"

namespace vitals::sqlite {

void log_write_health(std::string_view writer, std::string_view items, bool failing,
                      const std::optional<Error>& error, std::uint64_t write_errors,
                      std::uint64_t dropped, std::size_t queued) {
  const std::string name(writer);
  if (failing) {
    log::warn(name + " writes failing; " + std::string(items) + " stay queued and are retried",
              {{"reason", error ? to_string(*error) : ""}, {"queued", std::to_string(queued)}});
  } else {
    log::info(name + " writes resumed", {{"write_errors_total", std::to_string(write_errors)},
                                         {"dropped_total", std::to_string(dropped)}});
  }
}

}  // namespace vitals::sqlite
