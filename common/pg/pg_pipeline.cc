#include "common/pg/pg_pipeline.h"

#include <libpq-fe.h>

#include <stdexcept>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/pg/pg_errors.h"

namespace aievents {
namespace {

// The error of a failed result, as a status.
absl::Status ResultError(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string message = PQresultErrorMessage(result);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return StatusFromSqlState(state == nullptr ? "" : state, message);
}

std::string ConnectionError(PGconn* conn) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

}  // namespace

PgCall ScopeToTenantCall(std::string_view tenant_id) {
  return {kScopeToTenant.name, {std::string(tenant_id)}};
}

PgRows::PgRows(pg_result* result) : result_(result, PQclear) {}

int PgRows::size() const { return PQntuples(result_.get()); }

bool PgRows::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view PgRows::Text(int row, int column) const {
  return std::string_view(PQgetvalue(result_.get(), row, column),
                          PQgetlength(result_.get(), row, column));
}

std::optional<std::string> PgRows::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return std::string(Text(row, column));
}

int PgRows::Column(const char* name) const { return PQfnumber(result_.get(), name); }

int64_t PgRows::Int64(int row, int column) const {
  int64_t value = 0;
  std::string_view text = Text(row, column);
  if (!absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &value)) return 0;
  return value;
}

namespace {

std::vector<PgStatement> WithScopeStatement(const std::vector<PgStatement>& statements) {
  std::vector<PgStatement> all = {kScopeToTenant};
  all.insert(all.end(), statements.begin(), statements.end());
  return all;
}

}  // namespace

PgPipelinePool::PgPipelinePool(Options options)
    : options_(std::move(options)),
      statements_(WithScopeStatement(options_.statements), !options_.transaction_pooler),
      gauges_(options_.name) {}

absl::StatusOr<std::unique_ptr<PgPipelinePool>> PgPipelinePool::Create(Options options) {
  if (options.database_url.empty()) return absl::InvalidArgumentError("database URL is empty");
  if (options.size < 1) return absl::InvalidArgumentError("pool size must be at least 1");
  return std::unique_ptr<PgPipelinePool>(new PgPipelinePool(std::move(options)));
}

PgPipelinePool::~PgPipelinePool() {
  for (PGconn* conn : idle_) PQfinish(conn);
}

void PgPipelinePool::Register(const std::vector<PgStatement>& statements) {
  std::lock_guard lock(mutex_);
  // A store built later on a pool already in use (the operator tool, tests) is fine when the
  // pool already has every one of its statements.
  statements_.Register(statements, opened_, options_.name);
}

absl::StatusOr<pg_conn*> PgPipelinePool::Acquire() {
  {
    std::unique_lock lock(mutex_);
    auto free = [&] { return !idle_.empty() || open_ < options_.size; };
    bool waited = !free();
    if (waited) gauges_.AddWaiting(1);
    bool ready = available_.wait_for(lock, options_.acquire_timeout, free);
    if (waited) gauges_.AddWaiting(-1);
    if (!ready) return absl::UnavailableError("no database connection free in time");
    if (!idle_.empty()) {
      PGconn* conn = idle_.back();
      idle_.pop_back();
      gauges_.AddIdle(-1);
      gauges_.AddInUse(1);
      return conn;
    }
    ++open_;  // reserve a slot, then connect without holding the lock
    opened_ = true;
    gauges_.AddInUse(1);
  }
  PGconn* conn = PQconnectdb(options_.database_url.c_str());
  auto fail = [&](const std::string& what) -> absl::Status {
    std::string message = absl::StrCat(what, ": ", ConnectionError(conn));
    PQfinish(conn);
    Release(nullptr, false);
    return absl::UnavailableError(message);
  };
  if (PQstatus(conn) != CONNECTION_OK) return fail("cannot connect to the database");
  // Behind a transaction pooler nothing is prepared or set for the session (see PgPool).
  if (options_.transaction_pooler) {
    if (PQenterPipelineMode(conn) != 1) return fail("cannot enter pipeline mode");
    return conn;
  }
  for (const PgStatement& statement : statements_.all()) {
    PGresult* prepared = PQprepare(conn, statement.name, statement.sql, 0, nullptr);
    bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
    std::string error = ok ? "" : PQresultErrorMessage(prepared);
    PQclear(prepared);
    if (!ok) return fail(absl::StrCat("cannot prepare ", statement.name, ": ", error));
  }
  if (options_.generic_plans) {
    // As in PgPool: plans made once must not be sequential scans chosen on empty tables.
    PGresult* set =
        PQexec(conn, "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off");
    bool ok = PQresultStatus(set) == PGRES_COMMAND_OK;
    PQclear(set);
    if (!ok) return fail("cannot set plan_cache_mode");
  }
  if (options_.statement_timeout.count() > 0) {
    std::string sql = absl::StrCat("SET statement_timeout = ", options_.statement_timeout.count());
    PGresult* set = PQexec(conn, sql.c_str());
    bool ok = PQresultStatus(set) == PGRES_COMMAND_OK;
    PQclear(set);
    if (!ok) return fail("cannot set statement_timeout");
  }
  if (PQenterPipelineMode(conn) != 1) return fail("cannot enter pipeline mode");
  return conn;
}

void PgPipelinePool::Release(pg_conn* conn, bool healthy) {
  {
    std::lock_guard lock(mutex_);
    gauges_.AddInUse(-1);
    if (conn != nullptr && healthy && PQstatus(conn) == CONNECTION_OK) {
      idle_.push_back(conn);
      gauges_.AddIdle(1);
      conn = nullptr;
    } else {
      --open_;
    }
  }
  if (conn != nullptr) PQfinish(conn);
  available_.notify_one();
}

absl::StatusOr<std::vector<PgRows>> PgPipelinePool::RunTransaction(
    const std::vector<PgCall>& calls) {
  absl::StatusOr<pg_conn*> conn = Acquire();
  if (!conn.ok()) return conn.status();
  bool healthy = true;
  absl::StatusOr<std::vector<PgRows>> rows = Run(*conn, calls, healthy);
  Release(*conn, healthy);
  return rows;
}

absl::StatusOr<std::vector<PgRows>> PgPipelinePool::Run(pg_conn* conn,
                                                        const std::vector<PgCall>& calls,
                                                        bool& healthy) {
  auto lost = [&](const char* when) {
    healthy = false;
    return absl::UnavailableError(absl::StrCat(when, ConnectionError(conn)));
  };
  // By text behind a transaction pooler: look every statement up before anything is sent.
  const bool by_text = !statements_.prepared();
  std::vector<const char*> texts(calls.size(), nullptr);
  for (size_t i = 0; i < calls.size() && by_text; ++i) {
    texts[i] = calls[i].plan_each_time ? calls[i].statement : statements_.Find(calls[i].statement);
    if (texts[i] == nullptr) {
      return absl::InternalError(
          absl::StrCat("statement ", calls[i].statement, " is not one of this pool's"));
    }
  }
  // There the connection has no statement_timeout of its own: the transaction sets it first.
  const bool limit_first = by_text && options_.statement_timeout.count() > 0;
  if (limit_first) {
    std::string limit = std::to_string(options_.statement_timeout.count());
    const char* value = limit.c_str();
    if (PQsendQueryParams(conn, kLimitTransactionTime.sql, 1, nullptr, &value, nullptr, nullptr,
                          0) != 1) {
      return lost("database connection lost: ");
    }
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    const PgCall& call = calls[i];
    std::vector<const char*> values;
    values.reserve(call.params.size());
    for (const auto& param : call.params) values.push_back(param ? param->c_str() : nullptr);
    const int count = static_cast<int>(values.size());
    // SQL text when sent by text or planned each time, else a prepared statement's name.
    const char* text = by_text ? texts[i] : call.plan_each_time ? call.statement : nullptr;
    int sent =
        text != nullptr
            ? PQsendQueryParams(conn, text, count, nullptr, values.data(), nullptr, nullptr, 0)
            : PQsendQueryPrepared(conn, call.statement, count, values.data(), nullptr, nullptr, 0);
    if (sent != 1) {
      return lost("database connection lost: ");
    }
  }
  if (PQpipelineSync(conn) != 1) return lost("database connection lost: ");

  // One result per call (then a null that ends it), then the sync point, after the commit.
  std::vector<PgRows> rows;
  rows.reserve(calls.size());
  absl::Status failed = absl::OkStatus();
  if (limit_first) {
    PGresult* result = PQgetResult(conn);
    if (result == nullptr) {
      return lost("database connection lost during the transaction; outcome unknown: ");
    }
    if (PQresultStatus(result) == PGRES_FATAL_ERROR) failed = ResultError(result);
    PQclear(result);
    while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    PGresult* result = PQgetResult(conn);
    if (result == nullptr) {
      return lost("database connection lost during the transaction; outcome unknown: ");
    }
    // After a failed statement the rest come back PGRES_PIPELINE_ABORTED, unexecuted.
    if (PQresultStatus(result) == PGRES_FATAL_ERROR && failed.ok()) failed = ResultError(result);
    rows.emplace_back(result);
    while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  }
  for (int empty = 0;;) {
    PGresult* result = PQgetResult(conn);
    if (result == nullptr) {
      if (PQstatus(conn) != CONNECTION_OK || ++empty > 3) {
        return lost("database connection lost during commit; outcome unknown: ");
      }
      continue;
    }
    ExecStatusType status = PQresultStatus(result);
    absl::Status commit_error =
        status == PGRES_FATAL_ERROR ? ResultError(result) : absl::OkStatus();
    PQclear(result);
    if (!commit_error.ok() && failed.ok()) failed = commit_error;
    if (status == PGRES_PIPELINE_SYNC) break;
  }
  if (!failed.ok()) {
    if (failed.code() == absl::StatusCode::kUnavailable) healthy = false;
    return failed;
  }
  return rows;
}

}  // namespace aievents
