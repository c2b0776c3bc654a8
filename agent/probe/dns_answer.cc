#include "agent/probe/dns_answer.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <optional>

namespace vitals::detail {
namespace {

// c-ares has no CNAME parser and its PTR parser wants the queried address, so one walker with
// ares_expand_name reads every type alike.
class Reader {
 public:
  Reader(const unsigned char* message, int length) : message_(message), length_(length) {}

  bool has(int bytes) const { return bytes >= 0 && at_ + bytes <= length_; }
  int at() const { return at_; }
  void skip(int bytes) { at_ += bytes; }
  unsigned u16() {
    unsigned value = (message_[at_] << 8) | message_[at_ + 1];
    at_ += 2;
    return value;
  }
  // The (possibly compressed) name at the cursor; moves past it.
  std::optional<std::string> name() { return name_at(at_, &at_); }
  std::optional<std::string> name_at(int offset, int* end) const {
    char* text = nullptr;
    long used = 0;
    if (offset >= length_ ||
        ares_expand_name(message_ + offset, message_, length_, &text, &used) != ARES_SUCCESS) {
      return std::nullopt;
    }
    std::string out(text);
    ares_free_string(text);
    if (end != nullptr) *end = offset + static_cast<int>(used);
    return out;
  }
  const unsigned char* data() const { return message_ + at_; }

 private:
  const unsigned char* message_;
  int length_;
  int at_ = 0;
};

std::optional<std::string> address(const unsigned char* data, int family) {
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(family, data, text, sizeof text) == nullptr) return std::nullopt;
  return std::string(text);
}

std::optional<std::string> txt(const unsigned char* data, int length) {
  std::string out;
  for (int i = 0; i < length;) {
    int part = data[i++];
    if (i + part > length) return std::nullopt;
    out.append(reinterpret_cast<const char*>(data + i), static_cast<std::size_t>(part));
    i += part;
  }
  return out;
}

// The record data at the reader's cursor, `length` bytes, of `type`.
std::optional<std::string> rdata(const Reader& r, int type, int length) {
  const unsigned char* d = r.data();
  auto u16 = [&](int at) { return std::to_string((d[at] << 8) | d[at + 1]); };
  switch (type) {
    case ns_t_a:
      return length == 4 ? address(d, AF_INET) : std::nullopt;
    case ns_t_aaaa:
      return length == 16 ? address(d, AF_INET6) : std::nullopt;
    case ns_t_cname:
    case ns_t_ns:
    case ns_t_ptr:
      return r.name_at(r.at(), nullptr);
    case ns_t_mx: {
      auto host = length > 2 ? r.name_at(r.at() + 2, nullptr) : std::nullopt;
      return host ? std::optional(u16(0) + " " + *host) : std::nullopt;
    }
    case ns_t_srv: {
      auto target = length > 6 ? r.name_at(r.at() + 6, nullptr) : std::nullopt;
      if (!target) return std::nullopt;
      return u16(0) + " " + u16(2) + " " + u16(4) + " " + *target;
    }
    case ns_t_txt:
      return txt(d, length);
    default:
      return std::nullopt;
  }
}

tl::unexpected<Error> malformed(const std::string& what) {
  return make_error(ErrorCode::InvalidArgument, "malformed DNS answer: " + what);
}

}  // namespace

Result<std::vector<std::string>> answers_of_type(const unsigned char* message, int length,
                                                 int type) {
  Reader r(message, length);
  if (!r.has(12)) return malformed("short header");
  r.skip(4);
  unsigned questions = r.u16();
  unsigned answers = r.u16();
  r.skip(4);
  for (unsigned i = 0; i < questions; ++i) {
    if (!r.name() || !r.has(4)) return malformed("bad question");
    r.skip(4);
  }
  std::vector<std::string> out;
  for (unsigned i = 0; i < answers; ++i) {
    if (!r.name() || !r.has(10)) return malformed("bad record header");
    int rr_type = static_cast<int>(r.u16());
    r.skip(6);  // class, TTL
    int rd_length = static_cast<int>(r.u16());
    if (!r.has(rd_length)) return malformed("record data past the end");
    if (rr_type == type) {
      auto text = rdata(r, type, rd_length);
      if (!text) return malformed("bad record data");
      out.push_back(std::move(*text));
    }
    r.skip(rd_length);
  }
  return out;
}

}  // namespace vitals::detail
