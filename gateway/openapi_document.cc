#include "gateway/openapi_document.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "aievents/v1/scopes.pb.h"
#include "common/text/proto_enum_names.h"

namespace aievents::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::SourceLocation;
using OrderedJson = nlohmann::ordered_json;

constexpr char kPackagePrefix[] = "aievents.v1.";

// A proto comment as a description: the comment's lines, trimmed, joined by spaces within a
// paragraph.
std::string Clean(const std::string& comment) {
  std::vector<std::string> paragraphs;
  std::string current;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) {
      if (!current.empty()) paragraphs.push_back(current);
      current.clear();
      continue;
    }
    if (!current.empty()) current += ' ';
    current.append(line.data(), line.size());
  }
  if (!current.empty()) paragraphs.push_back(current);
  return absl::StrJoin(paragraphs, "\n\n");
}

template <typename T>
std::string CommentOf(const T* element) {
  SourceLocation location;
  if (element == nullptr || !element->GetSourceLocation(&location)) return "";
  return Clean(location.leading_comments);
}

class Builder {
 public:
  explicit Builder(const DescriptorPool* comments) : comments_(comments) {}

  std::string Describe(const Descriptor* message) {
    return comments_ ? CommentOf(comments_->FindMessageTypeByName(message->full_name())) : "";
  }
  std::string Describe(const FieldDescriptor* field) {
    return comments_ ? CommentOf(comments_->FindFieldByName(field->full_name())) : "";
  }
  std::string Describe(const MethodDescriptor* method) {
    return comments_ ? CommentOf(comments_->FindMethodByName(method->full_name())) : "";
  }

  std::string SchemaName(const Descriptor* message) {
    std::string name = message->full_name();
    if (name.rfind(kPackagePrefix, 0) == 0) name = name.substr(sizeof(kPackagePrefix) - 1);
    return absl::StrReplaceAll(name, {{".", "_"}});
  }

  OrderedJson Ref(const Descriptor* message) {
    pending_.insert(message);
    return {{"$ref", absl::StrCat("#/components/schemas/", SchemaName(message))}};
  }

  // The JSON the gateway reads and writes for one value of `field` (not its repetition).
  OrderedJson ValueSchema(const FieldDescriptor* field) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        if (field->type() == FieldDescriptor::TYPE_BYTES) {
          return {{"type", "string"}, {"contentEncoding", "base64"}};
        }
        if (field->options().GetExtension(v1::json_text)) {
          return {{"type", OrderedJson::array({"string", "object", "array"})}};
        }
        return {{"type", "string"}};
      case FieldDescriptor::CPPTYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        return {{"type", "number"}};
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_UINT32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT64:
        return {{"type", "integer"}, {"format", "int64"}};
      case FieldDescriptor::CPPTYPE_ENUM:
        return {{"type", "string"}, {"enum", ShortEnumNames(field->enum_type())}};
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (field->message_type()->full_name() == "google.protobuf.Timestamp") {
          return {{"type", "string"}, {"format", "date-time"}};
        }
        return Ref(field->message_type());
    }
    return OrderedJson::object();
  }

  OrderedJson FieldSchema(const FieldDescriptor* field) {
    OrderedJson schema;
    if (field->is_map()) {
      schema = {{"type", "object"},
                {"additionalProperties", ValueSchema(field->message_type()->map_value())}};
    } else if (field->is_repeated()) {
      schema = {{"type", "array"}, {"items", ValueSchema(field)}};
    } else {
      schema = ValueSchema(field);
      // A field with presence is null when absent (and null in a request means absent).
      if (field->has_presence()) {
        if (schema.contains("$ref")) {
          schema = {{"anyOf", OrderedJson::array({schema, {{"type", "null"}}})}};
        } else {
          if (!schema["type"].is_array()) schema["type"] = OrderedJson::array({schema["type"]});
          schema["type"].push_back("null");
          if (schema.contains("enum")) schema["enum"].push_back(nullptr);
        }
      }
    }
    std::string description = Describe(field);
    if (!description.empty()) schema["description"] = description;
    return schema;
  }

  OrderedJson MessageSchema(const Descriptor* message) {
    OrderedJson properties = OrderedJson::object();
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      properties[field->name()] = FieldSchema(field);
    }
    OrderedJson schema = {{"type", "object"}};
    std::string description = Describe(message);
    if (!description.empty()) schema["description"] = description;
    schema["properties"] = properties;
    schema["additionalProperties"] = false;  // unknown fields are refused
    return schema;
  }

  // Every message referenced so far, and those they reference, by name.
  OrderedJson Schemas() {
    std::map<std::string, OrderedJson> schemas;  // sorted, so the document is stable
    while (!pending_.empty()) {
      const Descriptor* message = *pending_.begin();
      pending_.erase(pending_.begin());
      std::string name = SchemaName(message);
      if (schemas.count(name) == 0) schemas[name] = MessageSchema(message);
    }
    OrderedJson sorted = OrderedJson::object();
    for (auto& [name, schema] : schemas) sorted[name] = std::move(schema);
    return sorted;
  }

 private:
  const DescriptorPool* comments_;
  std::set<const Descriptor*> pending_;
};

OrderedJson ErrorSchema() {
  OrderedJson string = {{"type", "string"}};
  OrderedJson violation = {
      {"type", "object"},
      {"properties",
       {{"field", {{"type", "string"}, {"description", "Dotted path, e.g. ai_event.summary."}}},
        {"description", string}}},
      {"required", {"field", "description"}}};
  OrderedJson error = {
      {"type", "object"},
      {"properties",
       {{"code",
         {{"type", "string"}, {"description", "The gRPC status name, e.g. INVALID_ARGUMENT."}}},
        {"message", string},
        {"field_violations", {{"type", "array"}, {"items", violation}}},
        {"reason",
         {{"type", "string"},
          {"description", "Why, when the service says: MISSING_SCOPE or RATE_LIMITED."}}},
        {"missing_scope",
         {{"type", "string"}, {"description", "With 403: the scope the API key lacks."}}}}},
      {"required", {"code", "message", "field_violations"}}};
  return {{"type", "object"},
          {"description", "Every failure has this body (docs/http-api.md)."},
          {"properties", {{"error", error}}},
          {"required", {"error"}}};
}

OrderedJson ErrorResponse(const std::string& description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

std::set<std::string> PathFields(const Route& route) {
  std::set<std::string> fields;
  for (const std::string& segment : route.segments) {
    size_t open = segment.find('{');
    size_t close = segment.find('}');
    if (open != std::string::npos && close != std::string::npos) {
      fields.insert(segment.substr(open + 1, close - open - 1));
    }
  }
  return fields;
}

OrderedJson Operation(Builder& builder, const Route& route) {
  const MethodDescriptor* method = route.method;
  const RouteRule& rule = route.rule;
  std::string description = builder.Describe(method);
  std::string summary = description.substr(0, description.find(". ") + 1);
  if (summary.size() <= 1 || summary.size() > 120) summary = method->name();
  OrderedJson operation = {
      {"operationId", absl::StrCat(method->service()->name(), "_", method->name())},
      {"tags", {method->service()->name()}},
      {"summary", summary}};
  if (!description.empty()) operation["description"] = description;
  if (method->options().deprecated()) operation["deprecated"] = true;

  OrderedJson parameters = OrderedJson::array();
  std::set<std::string> path_fields = PathFields(route);
  const Descriptor* input = method->input_type();
  for (const std::string& name : path_fields) {
    const FieldDescriptor* field = input->FindFieldByName(name);
    OrderedJson schema = field ? builder.ValueSchema(field) : OrderedJson{{"type", "string"}};
    parameters.push_back({{"name", name},
                          {"in", "path"},
                          {"required", true},
                          {"schema", schema},
                          {"description", field ? builder.Describe(field) : ""}});
  }
  if (rule.body().empty() && rule.raw_body().empty()) {
    // Every other scalar field of the request is a query parameter.
    for (int i = 0; i < input->field_count(); ++i) {
      const FieldDescriptor* field = input->field(i);
      if (path_fields.count(field->name()) > 0 || field->is_map()) continue;
      bool timestamp = field->message_type() != nullptr &&
                       field->message_type()->full_name() == "google.protobuf.Timestamp";
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !timestamp) continue;
      parameters.push_back({{"name", field->name()},
                            {"in", "query"},
                            {"required", false},
                            {"schema", builder.ValueSchema(field)},
                            {"description", builder.Describe(field)}});
    }
  }
  if (!parameters.empty()) operation["parameters"] = parameters;

  if (!rule.raw_body().empty()) {
    operation["requestBody"] = {
        {"required", true},
        {"description", "The vendor's delivery, exactly as sent (any content type)."},
        {"content", {{"*/*", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  } else if (rule.body() == "*") {
    OrderedJson schema = builder.Ref(input);
    operation["requestBody"] = {
        // A body is optional when every field is in the path (":disable", ":replay").
        {"required", input->field_count() > static_cast<int>(path_fields.size())},
        {"description",
         "JSON, or a form with nested fields written customer_lookup__email (values convert "
         "as in JSON; a blank value is absent except on PATCH)."},
        {"content",
         {{"application/json", {{"schema", schema}}},
          {"application/x-www-form-urlencoded", {{"schema", schema}}}}}};
  }

  std::string status = std::to_string(rule.success_status() == 0 ? 200 : rule.success_status());
  OrderedJson success = {{"description", "Success."}};
  if (method->server_streaming() && !rule.stream_document_items().empty()) {
    success = {
        {"description",
         absl::StrCat("One JSON document, streamed: a ", method->output_type()->name(), " whose `",
                      rule.stream_document_items(),
                      "` holds every part's. A download cut off by a failure is not valid JSON.")},
        {"content", {{"application/json", {{"schema", builder.Ref(method->output_type())}}}}}};
  } else if (method->server_streaming()) {
    success = {{"description", absl::StrCat("Server-sent events; each `data:` line is one ",
                                            method->output_type()->name(), " as JSON.")},
               {"content", {{"text/event-stream", {{"schema", {{"type", "string"}}}}}}}};
  } else if (status != "204") {
    const Descriptor* output = method->output_type();
    OrderedJson schema = builder.Ref(output);
    if (!rule.response_body().empty()) {
      const FieldDescriptor* field = output->FindFieldByName(rule.response_body());
      // The rendered field is always there: its message, not "message or null".
      if (field != nullptr && field->message_type() != nullptr) {
        schema = builder.Ref(field->message_type());
      } else if (field != nullptr) {
        schema = builder.FieldSchema(field);
      }
    }
    success["content"] = {{"application/json", {{"schema", schema}}}};
  }
  OrderedJson responses = {{status, success}};
  for (int32_t other : rule.other_success_statuses()) {
    OrderedJson also = success;
    also["description"] = "Success, as the operation's description says when.";
    responses[std::to_string(other)] = also;
  }
  responses["400"] = ErrorResponse("A field or parameter breaks a rule; every violation is named.");
  if (!rule.public_())
    responses["401"] = ErrorResponse("The API key is missing, unknown or revoked.");
  std::string scope = method->options().GetExtension(v1::required_scope);
  bool scoped = !rule.public_() && scope != "any";
  if (scoped) {
    responses["403"] = ErrorResponse(absl::StrCat("The API key lacks the scope `", scope,
                                                  "` (named in `error.missing_scope`)."));
  }
  if (!path_fields.empty())
    responses["404"] = ErrorResponse("No such resource in the caller's tenant.");
  if (!rule.public_() || rule.raw_body().size() > 0) {
    responses["429"] =
        ErrorResponse("Over the key's or tenant's rate limit; retry after Retry-After seconds.");
  }
  responses["503"] = ErrorResponse("Temporarily unavailable; retry after Retry-After seconds.");
  responses["default"] = ErrorResponse("Any other error (docs/http-api.md lists them).");
  operation["responses"] = responses;
  // The scope a key needs, as OpenAPI 3.1 allows for any scheme (a "role name").
  OrderedJson scopes = scoped ? OrderedJson::array({scope}) : OrderedJson::array();
  operation["security"] = rule.public_()
                              ? OrderedJson::array()
                              : OrderedJson::array({{{"apiKey", scopes}}, {{"bearer", scopes}}});
  if (!rule.public_()) operation["x-required-scope"] = scope;
  return operation;
}

}  // namespace

nlohmann::ordered_json BuildOpenApiDocument(const RouteTable& routes,
                                            const DescriptorPool* comments) {
  Builder builder(comments);
  OrderedJson paths = OrderedJson::object();
  std::vector<const Route*> ordered;
  for (const Route& route : routes.routes()) ordered.push_back(&route);
  std::sort(ordered.begin(), ordered.end(), [](const Route* a, const Route* b) {
    return std::tie(a->rule.path(), a->rule.method()) < std::tie(b->rule.path(), b->rule.method());
  });
  for (const Route* route : ordered) {
    // A template's "{id}" segments are OpenAPI parameters as they are; a custom verb stays
    // literal (".../{id}:associate").
    paths[route->rule.path()][absl::AsciiStrToLower(route->rule.method())] =
        Operation(builder, *route);
  }
  OrderedJson schemas = builder.Schemas();
  schemas["Error"] = ErrorSchema();
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "aievents HTTP API"},
        {"version", "1.0.0"},
        {"description",
         "AI events on CRM customer timelines: validated, matched to a customer, stored once. "
         "Generated from the gRPC contracts in proto/ and the gateway's routes; the rules of "
         "every endpoint are in docs/http-api.md."}}},
      {"servers", {{{"url", "http://127.0.0.1:8080"}, {"description", "make up"}}}},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "x-api-key"}}},
          {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
  };
}

}  // namespace aievents::gateway
