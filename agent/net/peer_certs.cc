#include "agent/net/peer_certs.h"

#include <openssl/x509.h>

#include <ctime>

namespace vitals::detail {

std::optional<WallTime> to_wall_time(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::optional<WallTime> earliest_not_after(const SSL* ssl) {
  std::optional<WallTime> earliest;
  auto consider = [&](const X509* cert) {
    auto expiry = to_wall_time(X509_get0_notAfter(cert));
    if (expiry && (!earliest || *expiry < *earliest)) earliest = expiry;
  };
  if (ssl == nullptr) return std::nullopt;
  // A resumed session has no chain (the peer did not send it again), but keeps the leaf.
  if (const X509* leaf = SSL_get0_peer_certificate(ssl)) consider(leaf);
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) consider(sk_X509_value(chain, i));
  }
  return earliest;
}

}  // namespace vitals::detail
