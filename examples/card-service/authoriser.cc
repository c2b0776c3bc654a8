#include "examples/card-service/authoriser.h"

#include <algorithm>
#include <cmath>

namespace vitals::examples {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Approved:
      return "approved";
    case Outcome::Declined:
      return "declined";
    case Outcome::Error:
      return "error";
  }
  return "error";
}

// Medians of 20 ms and £8; a sigma of 0.6 puts the 99th latency percentile near 80 ms.
Authoriser::Authoriser(std::uint64_t seed)
    : rng_(seed), latency_seconds_(std::log(0.020), 0.6), amount_pence_(std::log(800.0), 1.0) {}

Decision Authoriser::decide(const Odds& odds) {
  Decision decision;
  double draw = unit_(rng_);
  if (draw < odds.error) {
    decision.outcome = Outcome::Error;
  } else if (draw < odds.error + odds.decline) {
    decision.outcome = Outcome::Declined;
  }
  double seconds = std::clamp(latency_seconds_(rng_), 0.002, 1.5);
  decision.latency = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
  decision.amount_pence = std::clamp<std::int64_t>(std::llround(amount_pence_(rng_)), 50, 500000);
  return decision;
}

}  // namespace vitals::examples
