// How an AI event is read back from the ai_events table: the column list every event query
// selects, and the conversion of one such row to the proto. Shared by the ingest service
// (returning what it stored) and the timeline service.
#ifndef AIEVENTS_COMMON_PG_AI_EVENT_ROW_H_
#define AIEVENTS_COMMON_PG_AI_EVENT_ROW_H_

#include <pqxx/pqxx>

#include "aievents/v1/ai_event.pb.h"
#include "common/pg/pg_pipeline.h"

namespace aievents {

// Select list (unqualified column names of ai_events), in the order AiEventFromRow reads.
extern const char kAiEventColumns[];

// Converts a row selected with kAiEventColumns.
v1::AiEvent AiEventFromRow(const pqxx::row& row);
// The same for row `row` of a pipelined statement's result.
v1::AiEvent AiEventFromRow(const PgRows& rows, int row);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_AI_EVENT_ROW_H_
