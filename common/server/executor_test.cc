#include "common/server/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace kiosk::server {
namespace {

TEST(ExecutorTest, RunsEverySubmittedTaskBeforeShutdownReturns) {
  std::atomic<int> done{0};
  Executor executor("test", 3, 1000);
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(executor.TrySubmit([&] { done.fetch_add(1); }));
  }
  executor.Shutdown();
  EXPECT_EQ(done.load(), 500);
}

TEST(ExecutorTest, RefusesWorkBeyondTheQueueLimit) {
  Executor executor("test", 1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(executor.TrySubmit([&, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the only thread is now busy
  EXPECT_TRUE(executor.TrySubmit([] {}));
  EXPECT_TRUE(executor.TrySubmit([] {}));
  EXPECT_FALSE(executor.TrySubmit([] {}));
  release.set_value();
}

TEST(ExecutorTest, RefusesWorkAfterShutdown) {
  Executor executor("test", 1, 10);
  executor.Shutdown();
  EXPECT_FALSE(executor.TrySubmit([] {}));
  executor.Shutdown();  // a second call is harmless
}

}  // namespace
}  // namespace kiosk::server
