// A fresh PostgreSQL database for one test binary, inside the throwaway cluster that
// scripts/run-tests.sh starts (AIEVENTS_TEST_DATABASE_URL), migrated, dropped at the end.
#ifndef AIEVENTS_TESTS_SUPPORT_TEST_DATABASE_H_
#define AIEVENTS_TESTS_SUPPORT_TEST_DATABASE_H_

#include <memory>
#include <string>

namespace aievents::testing {

class TestDatabase {
 public:
  // Aborts with a clear message when AIEVENTS_TEST_DATABASE_URL is not set: a storage test
  // that silently skips would be a test that cannot fail.
  static std::unique_ptr<TestDatabase> Create();
  ~TestDatabase();

  const std::string& url() const { return url_; }

 private:
  TestDatabase(std::string admin_url, std::string name, std::string url)
      : admin_url_(std::move(admin_url)), name_(std::move(name)), url_(std::move(url)) {}

  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_TEST_DATABASE_H_
