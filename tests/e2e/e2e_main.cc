// main() of the end-to-end test binary: starts the whole suite once (real PostgreSQL database,
// real gRPC servers, real HTTP gateway), runs every test, then shuts it all down.
#include <gtest/gtest.h>

#include "tests/support/suite.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::unique_ptr<aievents::testing::Suite> suite = aievents::testing::Suite::Start();
  aievents::testing::SetSharedSuite(suite.get());
  int result = RUN_ALL_TESTS();
  aievents::testing::SetSharedSuite(nullptr);
  suite.reset();
  return result;
}
