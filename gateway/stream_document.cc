#include "gateway/stream_document.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "gateway/json_transcoder.h"

namespace aievents::gateway {

std::string StreamDocument::Render(const google::protobuf::Message& part) {
  std::string text;
  if (!opened_) {
    opened_ = true;
    // The first message without its items: an object whose closing brace is left off, so the
    // items array can follow inside it.
    std::unique_ptr<google::protobuf::Message> head(part.New());
    head->CopyFrom(part);
    head->GetReflection()->ClearField(head.get(), items_);
    nlohmann::ordered_json fields = MessageToJson(*head);
    std::string opening = "{";
    if (fields.is_object() && !fields.empty()) {
      opening = fields.dump();
      opening.back() = ',';  // was '}'
    }
    absl::StrAppend(&text, opening, "\"", items_->name(), "\":[");
  }
  const google::protobuf::Reflection* reflection = part.GetReflection();
  int count = reflection->FieldSize(part, items_);
  for (int i = 0; i < count; ++i) {
    if (has_item_) text += ',';
    has_item_ = true;
    text += MessageToJson(reflection->GetRepeatedMessage(part, items_, i)).dump();
  }
  return text;
}

}  // namespace aievents::gateway
