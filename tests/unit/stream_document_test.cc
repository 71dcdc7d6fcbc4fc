#include "gateway/stream_document.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aievents/v1/timeline_service.pb.h"

namespace aievents::gateway {
namespace {

const google::protobuf::FieldDescriptor* Items() {
  return v1::CustomerExportPart::descriptor()->FindFieldByName("ai_events");
}

v1::CustomerExportPart PartWith(std::initializer_list<const char*> ids) {
  v1::CustomerExportPart part;
  for (const char* id : ids) {
    v1::ExportedAiEvent* event = part.add_ai_events();
    event->mutable_ai_event()->set_id(id);
    event->set_reason("matched");
  }
  return part;
}

TEST(StreamDocument, JoinsThePartsIntoOneDocument) {
  StreamDocument document(Items());
  v1::CustomerExportPart head = PartWith({"a"});
  head.mutable_customer()->set_id("c");
  std::string text = document.Render(head);
  text += document.Render(PartWith({}));  // an empty part adds nothing
  text += document.Render(PartWith({"b", "c"}));
  text += document.Close();
  nlohmann::json parsed = nlohmann::json::parse(text);
  EXPECT_EQ(parsed["customer"]["id"], "c");
  ASSERT_EQ(parsed["ai_events"].size(), 3u);
  EXPECT_EQ(parsed["ai_events"][0]["ai_event"]["id"], "a");
  EXPECT_EQ(parsed["ai_events"][2]["ai_event"]["id"], "c");
  EXPECT_EQ(parsed["ai_events"][2]["reason"], "matched");
}

TEST(StreamDocument, AFirstPartWithoutItemsStillOpensTheArray) {
  StreamDocument document(Items());
  std::string text = document.Render(PartWith({})) + document.Close();
  nlohmann::json parsed = nlohmann::json::parse(text);
  EXPECT_EQ(parsed["ai_events"], nlohmann::json::array());
  EXPECT_TRUE(parsed["customer"].is_null());
}

TEST(StreamDocument, AnUnclosedDocumentIsNotValidJson) {
  // What a client receives when the stream fails after the head: no parser accepts it.
  StreamDocument document(Items());
  std::string text = document.Render(PartWith({"a"}));
  EXPECT_TRUE(nlohmann::json::parse(text, nullptr, false).is_discarded());
}

}  // namespace
}  // namespace aievents::gateway
