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

  // The owner's URL (a superuser here): migrations, the operator tool, test set-up.
  const std::string& url() const { return url_; }
  // The services' URL: the aievents_service login, bound by row-level security.
  const std::string& service_url() const { return service_url_; }

 private:
  TestDatabase(std::string admin_url, std::string name, std::string url, std::string service_url)
      : admin_url_(std::move(admin_url)),
        name_(std::move(name)),
        url_(std::move(url)),
        service_url_(std::move(service_url)) {}

  std::string admin_url_;
  std::string name_;
  std::string url_;
  std::string service_url_;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_TEST_DATABASE_H_
