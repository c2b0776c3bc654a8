// A std::mutex that clang's thread-safety analysis understands, and its scoped lock.
#pragma once

#include <condition_variable>
#include <mutex>

#include "vitals/common/thread_annotations.h"

namespace vitals {

class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

// Holds a Mutex for its scope. wait() releases it while blocked on a condition variable.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : lock_(mu.native()) {}
  ~MutexLock() RELEASE() = default;
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // Lets go for a stretch of work that must not hold the mutex, then takes it back.
  void unlock() RELEASE() { lock_.unlock(); }
  void lock() ACQUIRE() { lock_.lock(); }

  template <class Predicate>
  void wait(std::condition_variable& cv, Predicate done) {
    cv.wait(lock_, done);
  }
  template <class TimePoint, class Predicate>
  bool wait_until(std::condition_variable& cv, TimePoint deadline, Predicate done) {
    return cv.wait_until(lock_, deadline, done);
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace vitals
