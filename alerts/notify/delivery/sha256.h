// SHA-256 in lower-case hex (OpenSSL), for keys that must be the same in every process: the
// PagerDuty dedup key of a group and the outbox's dedup keys. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace vitals::notify {

std::string sha256_hex(std::string_view data);

}  // namespace vitals::notify
