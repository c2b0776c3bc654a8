// Time as a dependency: code asks a Clock for the time instead of calling std::chrono directly,
// so tests can drive intervals, deadlines and `for` durations by hand with a fake clock.
#pragma once

#include <chrono>

namespace vitals {

using Duration = std::chrono::nanoseconds;
using SteadyTime = std::chrono::steady_clock::time_point;  // intervals, deadlines
using WallTime = std::chrono::system_clock::time_point;    // what people and SQLite see

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const = 0;
  virtual WallTime wall_now() const = 0;
};

// The process's real clocks. Thread-safe; lives for the whole program.
Clock& real_clock();

}  // namespace vitals
