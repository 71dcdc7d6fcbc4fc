// A customer's export (GET /v1/customers/{id}:export, docs/privacy.md): everything held about
// them, read in parts so a customer with 100,000 events streams in bounded memory. Each part is
// one short read transaction; nothing is held open while the client reads.
#ifndef AIEVENTS_SERVICES_TIMELINE_PG_CUSTOMER_EXPORT_H_
#define AIEVENTS_SERVICES_TIMELINE_PG_CUSTOMER_EXPORT_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "aievents/v1/timeline_service.pb.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"

namespace aievents::timeline {

class PgCustomerExport {
 public:
  // `part_size`: events per part (and per read transaction).
  PgCustomerExport(PgPool* pool, int part_size);

  static std::vector<PgStatement> Statements();

  // Hands the export of `customer_id` to `write` part by part: first the customer (and the
  // export time), then their events newest first, then unmatched events whose lookup carries
  // their email, then those carrying their phone. Stops early when `write` returns false (the
  // client went away). The first transaction audits `customer.exported`. NOT_FOUND when the
  // caller's tenant has no such customer; INVALID_ARGUMENT naming customer_id for a non-UUID.
  absl::Status Export(const RequestContext& caller, const std::string& customer_id,
                      const std::function<bool(const v1::CustomerExportPart&)>& write);

 private:
  // Where a phase of the export continues from.
  struct Cursor;

  absl::StatusOr<v1::Customer> StartExport(const RequestContext& caller,
                                           const std::string& customer_id);
  // Reads the next part of `phase` after `cursor` (advanced); an empty part ends the phase.
  absl::StatusOr<v1::CustomerExportPart> NextPart(const RequestContext& caller,
                                                  const v1::Customer& customer, int phase,
                                                  Cursor& cursor);

  PgPool* pool_;
  int part_size_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_PG_CUSTOMER_EXPORT_H_
