// An executor that runs each task at once on the submitting thread, so a unit test sees a
// checker's result as soon as the loop has run.
#pragma once

#include "vitals/common/thread_pool.h"

namespace vitals::testing {

class InlineExecutor final : public Executor {
 public:
  bool submit(std::function<void()> task) override {
    task();
    return true;
  }
};

}  // namespace vitals::testing
