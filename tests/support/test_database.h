// A fresh PostgreSQL database for one test binary, inside the throwaway cluster that
// scripts/run-tests.sh starts (AIEVENTS_TEST_DATABASE_URL), migrated, dropped at the end.
#ifndef AIEVENTS_TESTS_SUPPORT_TEST_DATABASE_H_
#define AIEVENTS_TESTS_SUPPORT_TEST_DATABASE_H_

#include <memory>
#include <string>
#include <string_view>

namespace aievents::testing {

// The services, each logging in as its own database role (db/roles.sql).
enum class ServiceRole { kIngest, kMatching, kTimeline };
// "aievents_ingest", "aievents_matching", "aievents_timeline".
std::string_view RoleName(ServiceRole role);

class TestDatabase {
 public:
  // Aborts with a clear message when AIEVENTS_TEST_DATABASE_URL is not set: a storage test
  // that silently skips would be a test that cannot fail.
  static std::unique_ptr<TestDatabase> Create();
  ~TestDatabase();

  // The owner's URL (a superuser here): migrations, the operator tool, test set-up.
  const std::string& url() const { return url_; }
  // A service's URL: its own login role, bound by its grants and by row-level security.
  std::string service_url(ServiceRole role) const;

 private:
  TestDatabase(std::string admin_url, std::string name, std::string url)
      : admin_url_(std::move(admin_url)), name_(std::move(name)), url_(std::move(url)) {}

  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_TEST_DATABASE_H_
