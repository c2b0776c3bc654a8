// Reading the validity of the certificates a TLS peer sent, shared by HTTPS transfers and the
// TLS probe. Pure functions; safe on any thread that owns the SSL object.
#pragma once

#include <openssl/ssl.h>

#include <optional>

#include "vitals/common/clock.h"

namespace vitals::detail {

// An ASN1 time (a certificate's notBefore/notAfter) as a wall-clock time; nullopt when malformed.
std::optional<WallTime> to_wall_time(const ASN1_TIME* time);

// The earliest notAfter among the certificates the peer sent (the leaf and its chain), as the
// blackbox exporter's probe_ssl_earliest_cert_expiry; nullopt before a handshake or when the
// peer sent none.
std::optional<WallTime> earliest_not_after(const SSL* ssl);

}  // namespace vitals::detail
