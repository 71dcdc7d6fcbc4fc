// Deadlines reach the database: a transaction ends by the request deadline of its thread (the
// wait for a connection and every statement), and a gRPC caller's deadline becomes that
// request deadline in the service, so a caller that gave up leaves no statement running and
// nothing committed behind it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "aievents/v1/matching_service.grpc.pb.h"
#include "common/pg/pg_pool.h"
#include "common/runtime/request_deadline.h"
#include "grpcpp/create_channel.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

std::unique_ptr<PgPool> Pool(const std::string& url, int size) {
  PgPool::Options options;
  options.database_url = url;
  options.size = size;
  // Both far beyond what each test allows its request: only the deadline can cut the work.
  options.statement_timeout = std::chrono::seconds(10);
  options.acquire_timeout = std::chrono::seconds(10);
  auto pool = PgPool::Create(std::move(options));
  EXPECT_TRUE(pool.ok()) << pool.status();
  return *std::move(pool);
}

absl::Status Sleep(PgPool& pool, double seconds) {
  return pool.InSystemTransaction([&](pqxx::work& txn) {
    txn.exec_params("SELECT pg_sleep($1)", seconds);
    return absl::OkStatus();
  });
}

TEST(Deadlines, StatementsOfATransactionEndByTheRequestDeadline) {
  auto pool = Pool(SharedSuite().database_url(), 2);
  {
    ScopedRequestDeadline deadline(absl::Now() + absl::Milliseconds(300));
    absl::Status status = Sleep(*pool, 3);
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  }
  // Outside the scope the same statement runs to its end: the limit was the transaction's.
  EXPECT_TRUE(Sleep(*pool, 0.05).ok());
  // A tenant transaction takes the combined scope-and-limit statement.
  ScopedRequestDeadline deadline(absl::Now() + absl::Milliseconds(300));
  absl::Status status =
      pool->InTenantTransaction("00000000-0000-0000-0000-000000000000", [](pqxx::work& txn) {
        txn.exec("SELECT pg_sleep(3)");
        return absl::OkStatus();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
}

TEST(Deadlines, APassedDeadlineRunsNothing) {
  auto pool = Pool(SharedSuite().database_url(), 1);
  ScopedRequestDeadline deadline(absl::Now() - absl::Seconds(1));
  bool ran = false;
  absl::Status status = pool->InSystemTransaction([&](pqxx::work&) {
    ran = true;
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_FALSE(ran);
}

TEST(Deadlines, TheWaitForAConnectionEndsByTheRequestDeadline) {
  auto pool = Pool(SharedSuite().database_url(), 1);
  absl::Notification holding, release;
  std::thread holder([&] {
    absl::Status status = pool->InSystemTransaction([&](pqxx::work&) {
      holding.Notify();
      release.WaitForNotificationWithTimeout(absl::Seconds(30));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  holding.WaitForNotification();
  {
    ScopedRequestDeadline deadline(absl::Now() + absl::Milliseconds(200));
    absl::Status status = Sleep(*pool, 0);
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  }
  release.Notify();
  holder.join();
}

TEST(Deadlines, NestedScopesNeverExtendTheDeadline) {
  absl::Time soon = absl::Now() + absl::Seconds(1);
  ScopedRequestDeadline outer(soon);
  {
    ScopedRequestDeadline inner(soon + absl::Hours(1));
    EXPECT_EQ(CurrentRequestDeadline(), soon);
  }
  EXPECT_EQ(CurrentRequestDeadline(), soon);
}

// A caller's gRPC deadline reaches the service's database work: while the customers table is
// locked, CreateCustomer with a 500 ms deadline must leave no statement waiting on the lock
// and store nothing once the lock is gone. Without the propagation, the service's statement
// would wait for the lock (up to its 10 s statement_timeout) and then commit the customer for
// a caller that had long given up.
TEST(Deadlines, AGrpcCallersDeadlineCancelsItsDatabaseWork) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant("deadline tenant");
  auto stub = v1::MatchingService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(suite.matching_port()), grpc::InsecureChannelCredentials()));
  // The key is looked up (and cached) before the table is locked.
  {
    grpc::ClientContext call;
    call.AddMetadata("x-api-key", tenant.api_key);
    v1::CreateCustomerRequest request;
    request.set_email("warm-up@example.com");
    v1::Customer customer;
    ASSERT_TRUE(stub->CreateCustomer(&call, request, &customer).ok());
  }

  pqxx::connection locker(suite.database_url());
  pqxx::work lock(locker);
  lock.exec("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE");

  grpc::ClientContext call;
  call.AddMetadata("x-api-key", tenant.api_key);
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  v1::CreateCustomerRequest request;
  request.set_email("too-late@example.com");
  v1::Customer customer;
  grpc::Status status = stub->CreateCustomer(&call, request, &customer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();

  // The service's statement gives up by the caller's deadline: no lock request of the insert
  // stays queued. (Matching's re-match worker may queue a read of its own behind the lock: the
  // warm-up customer's change is due after 5 s.)
  pqxx::connection observer(suite.database_url());
  int waiting = -1;
  absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (absl::Now() < give_up) {
    pqxx::nontransaction query(observer);
    waiting = query
                  .exec(
                      "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                      " WHERE NOT l.granted AND l.relation = 'customers'::regclass"
                      " AND a.query LIKE 'INSERT INTO customers%'")[0][0]
                  .as<int>();
    if (waiting == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(waiting, 0) << "a statement still waits on the lock after its caller's deadline";
  lock.commit();

  pqxx::work check(locker);
  int stored = check
                   .exec_params(
                       "SELECT count(*) FROM customers WHERE tenant_id = $1 AND "
                       "email_normalized = $2",
                       tenant.id, "too-late@example.com")[0][0]
                   .as<int>();
  EXPECT_EQ(stored, 0) << "the customer was committed after its caller's deadline";
}

}  // namespace
}  // namespace aievents::testing
