#include "services/ingest/batch_committer.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "absl/time/clock.h"
#include "common/auth/authenticator.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/text/ids.h"

namespace aievents::ingest {

// One tenant's share of a batch, its events grouped by idempotency key.
struct BatchCommitter::TenantBatch {
  std::string tenant_id;
  std::vector<PendingEvent> events;
  std::vector<size_t> firsts;  // per distinct key: the index of its first event
  std::vector<size_t> key_of;  // per event: the index of its key in `firsts`
  // Per distinct key, once matching answered: the match, or why the lookup is unusable.
  std::vector<MatchingClient::LookupOutcome> outcomes;
  absl::Status match_error;  // the whole call failed
};

struct BatchCommitter::Batch {
  absl::Time started = absl::Now();
  absl::Time matched;  // when the last matching answer arrived
  std::vector<TenantBatch> tenants;
  std::atomic<size_t> unanswered{0};  // tenants whose matching call is still out
  std::function<void()> committed;
};

BatchCommitter::BatchCommitter(PgEventStore* store, MatchingClient* matching, int commit_threads,
                               std::string internal_token)
    : store_(store),
      matching_(matching),
      internal_token_(std::move(internal_token)),
      workers_(commit_threads) {
  // Where a batch's time goes: an operator tuning batch sizes or commit threads reads these.
  Metrics::Global().DescribeHistogram("aievents_ingest_batch_match_seconds",
                                      "Time from a batch leaving the queue to its last matching "
                                      "answer (all tenants asked at once).");
  Metrics::Global().DescribeHistogram("aievents_ingest_batch_store_seconds",
                                      "Time from a batch's last matching answer until it is "
                                      "committed: commit-thread wait plus the transaction.");
}

void BatchCommitter::Commit(std::vector<PendingEvent> events, std::function<void()> committed) {
  auto batch = std::make_shared<Batch>();
  batch->committed = std::move(committed);
  std::map<std::string, size_t> tenant_index;
  for (PendingEvent& event : events) {
    auto [it, added] = tenant_index.emplace(event.caller.tenant_id, batch->tenants.size());
    if (added) {
      batch->tenants.emplace_back();
      batch->tenants.back().tenant_id = event.caller.tenant_id;
    }
    batch->tenants[it->second].events.push_back(std::move(event));
  }
  for (TenantBatch& tenant : batch->tenants) {
    std::map<std::string, size_t> key_index;
    for (size_t i = 0; i < tenant.events.size(); ++i) {
      auto [it, added] = key_index.emplace(tenant.events[i].idempotency_key, tenant.firsts.size());
      if (added) tenant.firsts.push_back(i);
      tenant.key_of.push_back(it->second);
    }
  }
  batch->unanswered = batch->tenants.size();
  for (size_t t = 0; t < batch->tenants.size(); ++t) MatchTenant(batch, t);
}

void BatchCommitter::MatchTenant(std::shared_ptr<Batch> batch, size_t t) {
  TenantBatch& tenant = batch->tenants[t];
  v1::MatchCustomerResponse nobody;
  nobody.set_match_method(v1::MATCH_METHOD_NONE);
  tenant.outcomes.assign(tenant.firsts.size(), nobody);
  // Vendor events about nobody identifiable come with an empty lookup: unmatched, not asked.
  std::vector<v1::CustomerLookup> lookups;
  std::vector<size_t> asked;  // per lookup sent: its key's index
  for (size_t k = 0; k < tenant.firsts.size(); ++k) {
    const v1::CustomerLookup& lookup = tenant.events[tenant.firsts[k]].event.lookup;
    if (lookup.ByteSizeLong() == 0) continue;
    lookups.push_back(lookup);
    asked.push_back(k);
  }
  auto answered = [this, batch] {
    if (batch->unanswered.fetch_sub(1) == 1) {
      batch->matched = absl::Now();
      Metrics::Global().Observe("aievents_ingest_batch_match_seconds", {},
                                absl::ToDoubleSeconds(batch->matched - batch->started));
      workers_.Submit([this, batch] { Store(*batch); });
    }
  };
  if (lookups.empty()) return answered();
  const RequestContext& first_caller = tenant.events.front().caller;
  RequestContext context =
      internal_token_.empty()
          ? first_caller
          : Authenticator::InternalContext(internal_token_, tenant.tenant_id, "ingest");
  context.request_id = first_caller.request_id;  // the batch's matching call logs under it
  // Matching is asked before, never inside, the transaction.
  matching_->MatchBatch(context, std::move(lookups),
                        [batch, t, asked = std::move(asked), answered](
                            absl::StatusOr<std::vector<MatchingClient::LookupOutcome>> answers) {
                          TenantBatch& tenant = batch->tenants[t];
                          if (!answers.ok()) {
                            tenant.match_error = answers.status();
                          } else {
                            for (size_t j = 0; j < asked.size(); ++j)
                              tenant.outcomes[asked[j]] = std::move((*answers)[j]);
                          }
                          answered();
                        });
}

void BatchCommitter::Store(Batch& batch) {
  // Per tenant, per distinct key: what its callers get.
  std::vector<std::vector<absl::StatusOr<StoredEvent>>> per_key(batch.tenants.size());
  std::vector<TenantRows> rows;
  std::vector<std::vector<size_t>> row_keys;  // per entry of `rows`: the key index of each row
  std::vector<size_t> row_tenant;             // per entry of `rows`: its tenant
  for (size_t t = 0; t < batch.tenants.size(); ++t) {
    TenantBatch& tenant = batch.tenants[t];
    per_key[t].assign(tenant.firsts.size(), absl::InternalError("not stored"));
    if (!tenant.match_error.ok()) {
      per_key[t].assign(tenant.firsts.size(), tenant.match_error);
      continue;
    }
    std::vector<size_t> insertable;
    for (size_t k = 0; k < tenant.firsts.size(); ++k) {
      if (tenant.outcomes[k].ok() && tenant.outcomes[k]->suppressed()) {
        // An erased person who asked to be kept out: nothing of it is stored.
        per_key[t][k] = StoredEvent{{}, false, true};
      } else if (tenant.outcomes[k].ok()) {
        insertable.push_back(k);
      } else {
        per_key[t][k] = tenant.outcomes[k].status();
      }
    }
    if (insertable.empty()) continue;
    // Key order, so concurrent batches take their key locks in the same order (no deadlock).
    std::sort(insertable.begin(), insertable.end(), [&](size_t a, size_t b) {
      return tenant.events[tenant.firsts[a]].idempotency_key <
             tenant.events[tenant.firsts[b]].idempotency_key;
    });
    TenantRows entry;
    entry.tenant_id = tenant.tenant_id;
    for (size_t k : insertable) {
      const PendingEvent& event = tenant.events[tenant.firsts[k]];
      entry.rows.push_back(
          {NewUuidV7(), event.idempotency_key, &event.event, &*tenant.outcomes[k]});
    }
    rows.push_back(std::move(entry));
    row_keys.push_back(std::move(insertable));
    row_tenant.push_back(t);
  }
  std::vector<std::vector<absl::StatusOr<StoredEvent>>> stored = Insert(rows);
  Metrics::Global().Observe("aievents_ingest_batch_store_seconds", {},
                            absl::ToDoubleSeconds(absl::Now() - batch.matched));
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t j = 0; j < row_keys[r].size(); ++j) {
      per_key[row_tenant[r]][row_keys[r][j]] = std::move(stored[r][j]);
    }
  }
  for (size_t t = 0; t < batch.tenants.size(); ++t) {
    TenantBatch& tenant = batch.tenants[t];
    for (size_t i = 0; i < tenant.events.size(); ++i) {
      size_t k = tenant.key_of[i];
      absl::StatusOr<StoredEvent> result = per_key[t][k];
      // Later callers of a key the batch stored get the row as a replay.
      if (result.ok() && tenant.firsts[k] != i) result->inserted = false;
      tenant.events[i].done(std::move(result));
    }
  }
  batch.committed();
}

std::vector<std::vector<absl::StatusOr<StoredEvent>>> BatchCommitter::Insert(
    const std::vector<TenantRows>& tenants) {
  std::vector<std::vector<absl::StatusOr<StoredEvent>>> results(tenants.size());
  if (tenants.empty()) return results;
  auto stored = store_->InsertBatches(tenants);
  if (!stored.ok() && stored.status().code() == absl::StatusCode::kAborted) {
    stored = store_->InsertBatches(tenants);  // a serialization failure or deadlock: once more
  }
  if (stored.ok()) {
    for (size_t t = 0; t < tenants.size(); ++t) {
      for (StoredEvent& event : (*stored)[t]) results[t].push_back(std::move(event));
    }
    return results;
  }
  size_t rows = 0;
  for (const TenantRows& tenant : tenants) rows += tenant.rows.size();
  absl::StatusCode code = stored.status().code();
  if (rows == 1 || code == absl::StatusCode::kUnavailable ||
      code == absl::StatusCode::kDeadlineExceeded) {
    // The database is away (or the batch was one event): nothing was stored, and the callers'
    // retries will settle it.
    for (size_t t = 0; t < tenants.size(); ++t) {
      results[t].assign(tenants[t].rows.size(), stored.status());
    }
    return results;
  }
  // Something in the batch was refused; find what, one event per transaction.
  log::Warn("batch_insert_failed", {{"events", std::to_string(rows)},
                                    {"error", stored.status().ToString()},
                                    {"effect", "retrying each event on its own"}});
  for (size_t t = 0; t < tenants.size(); ++t) {
    for (const NewEvent& row : tenants[t].rows) {
      auto one = store_->InsertBatch(tenants[t].tenant_id, {row});
      if (one.ok()) {
        results[t].push_back(std::move(one->front()));
      } else {
        results[t].push_back(one.status());
      }
    }
  }
  return results;
}

}  // namespace aievents::ingest
