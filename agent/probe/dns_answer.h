// The records of one type in a DNS answer, as text: one walker over the answer section for
// every record type the DNS probe asks for. Pure functions, any thread.
#pragma once

#include <string>
#include <vector>

#include "vitals/common/error.h"

namespace vitals::detail {

// Each answer record of `type` (ns_t_a, ns_t_mx …) in the DNS message `message`, in order, as
// its data in presentation form without the owner name: "10.1.2.3", "2001:db8::1",
// "target.example.test" (CNAME, NS, PTR), "10 mail.example.test" (MX, preference first), the
// strings of a TXT record joined, "10 5 443 svc.example.test" (SRV: priority weight port
// target). Records of other types (a CNAME chain before the A records) are skipped.
// InvalidArgument when the message is malformed.
Result<std::vector<std::string>> answers_of_type(const unsigned char* message, int length,
                                                 int type);

}  // namespace vitals::detail
