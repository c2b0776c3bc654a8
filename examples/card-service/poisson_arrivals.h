// When the next customer pays: the gaps between arrivals of a Poisson process, independent and
// exponentially distributed with mean 1/rate, which is how independent card payments arrive.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "vitals/common/clock.h"

namespace vitals::examples {

// Not thread-safe: one traffic thread draws from it.
class PoissonArrivals {
 public:
  // `per_second` must be positive.
  PoissonArrivals(double per_second, std::uint64_t seed) : rng_(seed), gap_seconds_(per_second) {}

  Duration next_gap() {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(gap_seconds_(rng_)));
  }

 private:
  std::mt19937_64 rng_;
  std::exponential_distribution<double> gap_seconds_;
};

}  // namespace vitals::examples
