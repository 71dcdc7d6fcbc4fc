// How an AI event is read back from the ai_events table: the column list every event query
// selects, the conversion of one such row to the proto, and reading one event with its
// association history. Shared by the events' writer (ingest, answering with what it stored)
// and their reader (timeline), so both see one definition of a stored event.
#ifndef AIEVENTS_COMMON_PG_AI_EVENT_ROW_H_
#define AIEVENTS_COMMON_PG_AI_EVENT_ROW_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "aievents/v1/ai_event.pb.h"
#include "common/pg/pg_pipeline.h"

namespace aievents {

// Select list over ai_events, each column named (AiEventFromRow reads them by name, so a
// statement may select more columns, anywhere). A statement that selects it and orders by id
// writes ai_events.id: the bare name means the text column named here, which no index serves.
extern const char kAiEventColumns[];

// Converts a row selected with kAiEventColumns.
v1::AiEvent AiEventFromRow(const pqxx::row& row);
// The same for every row of a pipelined statement's result.
std::vector<v1::AiEvent> AiEventsFromRows(const PgRows& rows);

// The statements ReadEventWithHistory and ReadEventsWithHistory run; a store that calls them
// lists these among its own.
std::vector<PgStatement> EventWithHistoryStatements();

// Event `id` of the tenant with its association history (oldest first), or nullopt.
std::optional<v1::AiEvent> ReadEventWithHistory(pqxx::work& txn, const std::string& tenant_id,
                                                const std::string& id);

// The tenant's events among `ids` (UUIDs), each with its history, in no particular order; an
// id the tenant has no event for is left out. Two statements whatever the number of ids.
std::vector<v1::AiEvent> ReadEventsWithHistory(pqxx::work& txn, const std::string& tenant_id,
                                               const std::vector<std::string>& ids);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_AI_EVENT_ROW_H_
