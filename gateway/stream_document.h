// Renders a server stream as one JSON document (aievents.v1.http stream_document_items): the
// first message opens the document with its other fields, and the named repeated field of every
// message is appended to one array. Each part is rendered as it arrives, so the gateway holds
// one part at a time, however large the document.
#ifndef AIEVENTS_GATEWAY_STREAM_DOCUMENT_H_
#define AIEVENTS_GATEWAY_STREAM_DOCUMENT_H_

#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace aievents::gateway {

class StreamDocument {
 public:
  // `items`: a repeated message field of the stream's message type.
  explicit StreamDocument(const google::protobuf::FieldDescriptor* items) : items_(items) {}

  // The document's text for the next message: the first opens the document.
  std::string Render(const google::protobuf::Message& part);

  // The text that ends the document (after at least one Render).
  std::string Close() const { return "]}"; }

 private:
  const google::protobuf::FieldDescriptor* items_;
  bool opened_ = false;
  bool has_item_ = false;
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_STREAM_DOCUMENT_H_
