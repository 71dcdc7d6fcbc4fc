#include "common/pg/pg_pool.h"

#include <algorithm>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pg/pg_errors.h"
#include "common/runtime/log.h"
#include "common/runtime/request_deadline.h"

namespace aievents {
namespace {

absl::Status FromSqlError(const pqxx::sql_error& e) {
  return StatusFromSqlState(e.sqlstate(), e.what());
}

}  // namespace

std::vector<std::string> TextArray(const pqxx::field& field) {
  std::vector<std::string> values;
  auto parser = field.as_array();
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::juncture::done;
       item = parser.get_next()) {
    if (item.first == pqxx::array_parser::juncture::string_value) values.push_back(item.second);
  }
  return values;
}

namespace {

std::vector<PgStatement> WithScopeStatements(const std::vector<PgStatement>& statements) {
  std::vector<PgStatement> all = {kScopeToTenant, kScopeToTenantWithin, kLimitTransactionTime};
  all.insert(all.end(), statements.begin(), statements.end());
  return all;
}

}  // namespace

PgPool::PgPool(Options options)
    : options_(std::move(options)),
      statements_(WithScopeStatements(options_.statements), !options_.transaction_pooler),
      gauges_(options_.name) {}

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::Create(Options options) {
  if (options.database_url.empty()) return absl::InvalidArgumentError("database URL is empty");
  if (options.size < 1) return absl::InvalidArgumentError("pool size must be at least 1");
  return std::unique_ptr<PgPool>(new PgPool(std::move(options)));
}

void PgPool::Register(const std::vector<PgStatement>& statements) {
  std::lock_guard lock(mutex_);
  // A store built later on a pool already in use (the operator tool, tests) is fine when the
  // pool already has every one of its statements.
  statements_.Register(statements, opened_, options_.name);
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Acquire(std::chrono::milliseconds wait,
                                                                  bool by_deadline) {
  {
    std::unique_lock lock(mutex_);
    auto free = [&] { return !idle_.empty() || open_ < options_.size; };
    bool waited = !free();
    if (waited) gauges_.AddWaiting(1);
    bool ready = available_.wait_for(lock, wait, free);
    if (waited) gauges_.AddWaiting(-1);
    if (!ready && by_deadline) {
      return absl::DeadlineExceededError(
          "the request's deadline passed while waiting for a database connection");
    }
    if (!ready) return absl::UnavailableError("no database connection free in time");
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      gauges_.AddIdle(-1);
      gauges_.AddInUse(1);
      return conn;
    }
    ++open_;  // reserve a slot, then connect without holding the lock
    opened_ = true;
    gauges_.AddInUse(1);
  }
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.database_url);
    // Behind a transaction pooler the next transaction may run on another server connection:
    // nothing is set or prepared for the session (Run() sets statement_timeout each time).
    if (options_.transaction_pooler) return conn;
    if (options_.generic_plans) {
      pqxx::nontransaction setup(*conn);
      setup.exec("SET plan_cache_mode = force_generic_plan");
      // A generic plan is made once, maybe while the tables are still empty, when a sequential
      // scan looks cheapest; it would stay that way as they grow. Without sequential scans it
      // can only choose among the indexes, which stay right.
      setup.exec("SET enable_seqscan = off");
    }
    if (options_.statement_timeout.count() > 0) {
      pqxx::nontransaction setup(*conn);
      setup.exec(absl::StrCat("SET statement_timeout = ", options_.statement_timeout.count()));
    }
    // Register() is closed once opened_ is set, so the table no longer changes.
    for (const PgStatement& statement : statements_.all()) {
      conn->prepare(statement.name, statement.sql);
    }
    return conn;
  } catch (const std::exception& e) {
    Release(nullptr, false);
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", e.what()));
  }
}

void PgPool::Release(std::unique_ptr<pqxx::connection> conn, bool healthy) {
  {
    std::lock_guard lock(mutex_);
    gauges_.AddInUse(-1);
    if (conn != nullptr && healthy && conn->is_open()) {
      idle_.push_back(std::move(conn));
      gauges_.AddIdle(1);
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

absl::Status PgPool::Run(std::optional<std::string_view> tenant_id, const Work& work) {
  // What is left of the request's deadline bounds the wait for a connection and, when shorter
  // than the connection's own statement_timeout, every statement of the transaction.
  absl::Duration left = CurrentRequestDeadline() - absl::Now();
  if (left <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError("the request's deadline passed before its database work");
  }
  auto acquire_wait = options_.acquire_timeout;
  bool wait_by_deadline = left < absl::FromChrono(acquire_wait);
  if (wait_by_deadline) acquire_wait = absl::ToChronoMilliseconds(left);
  auto acquired = Acquire(acquire_wait, wait_by_deadline);
  if (!acquired.ok()) return acquired.status();
  std::unique_ptr<pqxx::connection> conn = std::move(*acquired);
  // Recomputed after the wait; at least 1 ms, since 0 would mean no limit at all.
  left = CurrentRequestDeadline() - absl::Now();
  // The connection's own statement_timeout applies unless the request's deadline is sooner.
  // Behind a transaction pooler the connection has none: the configured limit is then set for
  // every transaction, the deadline's when that is sooner.
  absl::Duration limit = options_.statement_timeout.count() > 0
                             ? absl::FromChrono(options_.statement_timeout)
                             : absl::InfiniteDuration();
  std::optional<std::string> statement_limit;
  if (left < limit) {
    statement_limit = std::to_string(std::max<int64_t>(1, absl::ToInt64Milliseconds(left)));
  } else if (options_.transaction_pooler && limit < absl::InfiniteDuration()) {
    statement_limit = std::to_string(absl::ToInt64Milliseconds(limit));
  }
  bool healthy = true;
  absl::Status status;
  try {
    pg_internal::ScopedStatementTable statements(&statements_);
    pqxx::work txn(*conn);
    if (tenant_id.has_value() && statement_limit.has_value()) {
      Exec(txn, kScopeToTenantWithin.name, std::string(*tenant_id), *statement_limit);
    } else if (tenant_id.has_value()) {
      ScopeToTenant(txn, *tenant_id);
    } else if (statement_limit.has_value()) {
      Exec(txn, kLimitTransactionTime.name, *statement_limit);
    }
    status = work(txn);
    if (status.ok()) txn.commit();
  } catch (const pqxx::in_doubt_error& e) {
    healthy = false;
    status = absl::UnavailableError(
        absl::StrCat("database connection lost during commit; outcome unknown: ", e.what()));
  } catch (const pqxx::broken_connection& e) {
    healthy = false;
    status = absl::UnavailableError(absl::StrCat("database connection lost: ", e.what()));
  } catch (const pqxx::sql_error& e) {
    status = FromSqlError(e);
  } catch (const std::exception& e) {
    status = absl::InternalError(absl::StrCat("database: ", e.what()));
  }
  Release(std::move(conn), healthy);
  return status;
}

absl::Status PgPool::InTenantTransaction(std::string_view tenant_id, const Work& work) {
  return Run(tenant_id, work);
}

absl::Status PgPool::InSystemTransaction(const Work& work) { return Run(std::nullopt, work); }

void PgPool::ScopeToTenant(pqxx::work& txn, std::string_view tenant_id) {
  Exec(txn, kScopeToTenant.name, std::string(tenant_id));
}

absl::Status PgPool::Ping() {
  // Not just "SELECT 1": a statement run the way every transaction runs them fails when
  // statements cannot work on this connection (named ones through a transaction pooler).
  return InSystemTransaction([](pqxx::work& txn) {
    ScopeToTenant(txn, "");
    return absl::OkStatus();
  });
}

std::string PgArrayLiteral(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (!values[i].has_value()) {
      out.append("NULL");
      continue;
    }
    out.push_back('"');
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

}  // namespace aievents
