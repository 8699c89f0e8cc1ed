#ifndef WIT_TESTS_SUPPORT_EVENTUALLY_H_
#define WIT_TESTS_SUPPORT_EVENTUALLY_H_

#include <chrono>
#include <thread>

namespace wit::testing {

// Eventually polls `condition` every 10 ms until it holds, and says whether it did before
// `deadline`. The deadline only bounds a hang: it is generous so that a slow machine or a
// sanitizer build never fails for being slow.
//
//   ASSERT_TRUE(Eventually([&] { return Verify(token).status == 401; }));
template <typename Condition>
bool Eventually(Condition condition,
                std::chrono::milliseconds deadline = std::chrono::seconds(120)) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace wit::testing

#endif  // WIT_TESTS_SUPPORT_EVENTUALLY_H_
