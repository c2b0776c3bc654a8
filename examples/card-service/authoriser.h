// The simulated card network's answer to one payment: approved, declined or failed, how long it
// took to decide, and how much the customer paid.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

#include "vitals/common/clock.h"

namespace vitals::examples {

enum class Outcome { Approved, Declined, Error };

// "approved", "declined", "error": the `result` label of card_authorisations_total.
std::string_view to_string(Outcome outcome);

// Probabilities of each unhappy outcome; the rest is approved.
struct Odds {
  double decline = 0.03;
  double error = 0.005;
};

struct Decision {
  Outcome outcome = Outcome::Approved;
  Duration latency{0};  // log-normal: median ~20 ms, rarely past 100 ms
  std::int64_t amount_pence = 0;
};

// Not thread-safe: owned by the traffic thread.
class Authoriser {
 public:
  explicit Authoriser(std::uint64_t seed);
  Decision decide(const Odds& odds);

 private:
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  std::lognormal_distribution<double> latency_seconds_;
  std::lognormal_distribution<double> amount_pence_;
};

}  // namespace vitals::examples
