// Vendor webhooks end to end over HTTP: sources, signatures, the durable inbox, one AI event
// per call whatever the delivery order, duplicates, sipgate's 204, rejected and ignored
// deliveries, replay after a fix, and tenant isolation.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "absl/time/clock.h"
#include "aievents/v1/webhook_service.grpc.pb.h"
#include "common/auth/standard_webhooks.h"
#include "common/runtime/metrics.h"
#include "grpcpp/create_channel.h"
#include "services/ingest/ingest_server.h"
#include "tests/e2e/test_helpers.h"
#include "tools/admin/admin_commands.h"

namespace aievents::testing {
namespace {

constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kOtherSecret[] = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";

struct Source {
  std::string id;
  std::string url;
};

Source CreateSource(const std::string& key, const std::string& vendor,
                    const std::string& secret = "") {
  nlohmann::json body = {{"vendor", vendor}};
  if (!secret.empty()) body["signing_secret"] = secret;
  HttpResult result = SharedSuite().Post(key, "/v1/webhook-sources", body);
  EXPECT_EQ(result.status, 201) << result.body;
  return {result.Json()["source"]["id"], result.Json()["url_path"]};
}

// Headers of a Standard Webhooks delivery signed with `secret` at `when`.
std::map<std::string, std::string> Signed(const std::string& secret, const std::string& id,
                                          const std::string& body, absl::Time when = absl::Now()) {
  std::string timestamp = std::to_string(absl::ToUnixSeconds(when));
  std::string key = *DecodeSigningSecret(secret);
  return {{"webhook-id", id},
          {"webhook-timestamp", timestamp},
          {"webhook-signature", SignStandardWebhook(key, id, timestamp, body)}};
}

HttpResult Deliver(const std::string& url, const std::string& body,
                   std::map<std::string, std::string> headers = {}) {
  return SharedSuite().Call("", "POST", url, body, std::move(headers));
}

nlohmann::json Deliveries(const std::string& key, const std::string& query = "") {
  HttpResult result = SharedSuite().Get(key, "/v1/webhook-deliveries" + query);
  EXPECT_EQ(result.status, 200) << result.body;
  return result.Json()["deliveries"];
}

nlohmann::json EventsFrom(const std::string& key, const std::string& source) {
  nlohmann::json events = nlohmann::json::array();
  for (const std::string& id : AllPages(SharedSuite(), key, "/v1/ai-events", 100)) {
    nlohmann::json event = SharedSuite().Get(key, "/v1/ai-events/" + id).Json();
    if (event["source"] == source) events.push_back(event);
  }
  return events;
}

// An event without what legitimately differs between two tenants' copies of the same call.
nlohmann::json Comparable(nlohmann::json event, bool drop_times = false) {
  for (const char* field : {"id", "customer_id", "received_at", "associations"}) event.erase(field);
  nlohmann::json payload = nlohmann::json::parse(event["raw_payload"].get<std::string>());
  payload.erase("deliveries");
  if (drop_times) {
    for (const char* field : {"started_at", "ended_at", "duration_seconds"}) payload.erase(field);
    event.erase("occurred_at");
    event.erase("summary");  // sipgate's summary includes a duration measured on arrival
  }
  event["raw_payload"] = payload;
  return event;
}

TEST(Webhooks, AgntixSignedLifecycleBecomesOneMatchedEvent) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"phone", "+971 50 123 4567"}});
  Source source = CreateSource(tenant.api_key, "agntix", kSecret);
  EXPECT_EQ(source.url.rfind("/v1/webhooks/agntix/whk_", 0), 0u);

  std::string created = ReadFixture("agntix/session_created.json");
  HttpResult first = Deliver(source.url, created, Signed(kSecret, "msg_created", created));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["status"], "processed");
  EXPECT_EQ(first.Json()["duplicate"], false);
  std::string ended = ReadFixture("agntix/session_ended.json");
  ASSERT_EQ(Deliver(source.url, ended, Signed(kSecret, "msg_ended", ended)).status, 200);

  nlohmann::json events = EventsFrom(tenant.api_key, "agntix");
  ASSERT_EQ(events.size(), 1u) << "one timeline entry per call";
  nlohmann::json event = events[0];
  EXPECT_EQ(event["customer_id"], customer);
  EXPECT_EQ(event["match_method"], "phone");
  EXPECT_EQ(event["event_type"], "phone_call");
  EXPECT_EQ(event["source_eid"], "4981804c-2658-4893-84ff-9c2fa90fb3c2");
  EXPECT_EQ(event["summary"], "Customer confirmed delivery slot for Wednesday afternoon.");
  EXPECT_DOUBLE_EQ(event["confidence"].get<double>(), 0.92);
  EXPECT_EQ(event["occurred_at"], "2026-04-08T05:00:01.13Z");
  nlohmann::json payload = nlohmann::json::parse(event["raw_payload"].get<std::string>());
  EXPECT_EQ(payload["sentiment"], "POSITIVE");
  EXPECT_EQ(payload["recording_url"], "https://example.invalid/recordings/4981804c.wav");
  EXPECT_EQ(payload["deliveries"].size(), 2u) << "the full deliveries stay in the inbox";
  // The inbox holds both raw deliveries, linked to the event.
  nlohmann::json inbox = Deliveries(tenant.api_key);
  ASSERT_EQ(inbox.size(), 2u);
  for (const auto& delivery : inbox) EXPECT_EQ(delivery["event_id"], event["id"]);
  nlohmann::json raw =
      suite.Get(tenant.api_key, "/v1/webhook-deliveries/" + inbox[0]["id"].get<std::string>())
          .Json();
  EXPECT_EQ(raw["body"], ended);
  EXPECT_EQ(raw["headers"]["webhook-id"], "msg_ended");
}

TEST(Webhooks, VendorCustomerIdWinsOverEveryRule) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  CreateCustomer(suite, tenant.api_key, {{"phone", "+971501234567"}});
  std::string crm = CreateCustomer(suite, tenant.api_key, {{"first_name", "Chosen"}});
  Source source = CreateSource(tenant.api_key, "agntix");
  nlohmann::json body = nlohmann::json::parse(ReadFixture("agntix/session_ended.json"));
  body["metadata"]["sessionVariables"]["crmContactId"] = crm;
  ASSERT_EQ(Deliver(source.url, body.dump()).status, 200);
  nlohmann::json event = EventsFrom(tenant.api_key, "agntix")[0];
  EXPECT_EQ(event["customer_id"], crm);
  EXPECT_EQ(event["match_method"], "customer_id");
}

TEST(Webhooks, SignaturesInvalidStaleAndRotated) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  Source source = CreateSource(tenant.api_key, "agntix", kSecret);
  std::string body = ReadFixture("agntix/session_created.json");
  HttpResult unsigned_delivery = Deliver(source.url, body);
  EXPECT_EQ(unsigned_delivery.status, 401);
  HttpResult wrong = Deliver(source.url, body, Signed(kOtherSecret, "msg_1", body));
  EXPECT_EQ(wrong.status, 401);
  HttpResult tampered = Deliver(source.url, body + " ", Signed(kSecret, "msg_1", body));
  EXPECT_EQ(tampered.status, 401);
  HttpResult stale =
      Deliver(source.url, body, Signed(kSecret, "msg_1", body, absl::Now() - absl::Minutes(6)));
  EXPECT_EQ(stale.status, 401);
  EXPECT_NE(stale.Json()["error"]["message"].get<std::string>().find("5 minutes"),
            std::string::npos);
  EXPECT_TRUE(Deliveries(tenant.api_key).empty()) << "a bad signature stores nothing";

  // Rotation: the new secret works, and so does the old one for a grace period; the sender may
  // also put several signatures in one header.
  HttpResult rotated =
      suite.Post(tenant.api_key, "/v1/webhook-sources/" + source.id + ":rotate-secret",
                 {{"signing_secret", kOtherSecret}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_EQ(Deliver(source.url, body, Signed(kOtherSecret, "msg_2", body)).status, 200);
  EXPECT_EQ(Deliver(source.url, body, Signed(kSecret, "msg_3", body)).status, 200);
  auto both = Signed(kOtherSecret, "msg_4", body);
  both["webhook-signature"] = "v1,bm9wZQ== " + both["webhook-signature"];
  EXPECT_EQ(Deliver(source.url, body, both).status, 200);
  // svix-* header names work too.
  auto svix = Signed(kOtherSecret, "msg_5", body);
  std::map<std::string, std::string> svix_headers = {{"svix-id", svix["webhook-id"]},
                                                     {"svix-timestamp", svix["webhook-timestamp"]},
                                                     {"svix-signature", svix["webhook-signature"]}};
  EXPECT_EQ(Deliver(source.url, body, svix_headers).status, 200);
}

TEST(Webhooks, WhippyAllOrdersGiveTheSameEvent) {
  Suite& suite = SharedSuite();
  std::vector<std::string> fixtures = {"whippy/call_analyzed.json", "whippy/call_ended.json",
                                       "whippy/call_started_corrected.json"};
  std::sort(fixtures.begin(), fixtures.end());
  nlohmann::json expected;
  int orders = 0;
  do {
    auto tenant = suite.NewTenant();
    std::string customer = CreateCustomer(suite, tenant.api_key, {{"phone", "(323) 213-9334"}});
    Source source = CreateSource(tenant.api_key, "whippy");
    for (const std::string& fixture : fixtures) {
      ASSERT_EQ(Deliver(source.url, ReadFixture(fixture)).status, 200) << fixture;
    }
    nlohmann::json events = EventsFrom(tenant.api_key, "whippy");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]["customer_id"], customer);
    nlohmann::json event = Comparable(events[0]);
    if (expected.is_null()) {
      expected = event;
      EXPECT_NE(event["summary"].get<std::string>().find("Jack"), std::string::npos);
      EXPECT_EQ(event["raw_payload"]["sentiment"], "Positive");
      EXPECT_NE(event["raw_payload"]["transcript"].get<std::string>().find("Phoenix"),
                std::string::npos);
    }
    EXPECT_EQ(event, expected) << "order " << orders;
    ++orders;
  } while (std::next_permutation(fixtures.begin(), fixtures.end()));
  EXPECT_EQ(orders, 6);
}

TEST(Webhooks, AgntixBothOrdersGiveTheSameEvent) {
  Suite& suite = SharedSuite();
  nlohmann::json results[2];
  for (int order = 0; order < 2; ++order) {
    auto tenant = suite.NewTenant();
    Source source = CreateSource(tenant.api_key, "agntix");
    std::vector<std::string> fixtures = {"agntix/session_created.json",
                                         "agntix/session_ended.json"};
    if (order == 1) std::swap(fixtures[0], fixtures[1]);
    for (const std::string& fixture : fixtures) {
      ASSERT_EQ(Deliver(source.url, ReadFixture(fixture)).status, 200);
    }
    results[order] = Comparable(EventsFrom(tenant.api_key, "agntix")[0]);
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[1]["summary"], "Customer confirmed delivery slot for Wednesday afternoon.");
}

TEST(Webhooks, DuplicateDeliveriesChangeNothing) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  Source source = CreateSource(tenant.api_key, "whippy");
  std::string body = ReadFixture("whippy/call_ended.json");
  HttpResult first = Deliver(source.url, body);
  ASSERT_EQ(first.status, 200);
  nlohmann::json before = EventsFrom(tenant.api_key, "whippy");
  for (int i = 0; i < 3; ++i) {
    HttpResult again = Deliver(source.url, body);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.Json()["duplicate"], true);
    EXPECT_EQ(again.Json()["delivery_id"], first.Json()["delivery_id"]);
  }
  EXPECT_EQ(Deliveries(tenant.api_key).size(), 1u);
  EXPECT_EQ(EventsFrom(tenant.api_key, "whippy"), before);
}

TEST(Webhooks, MalformedBodyIs400AndKeptAsRejected) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  Source source = CreateSource(tenant.api_key, "whippy");
  // The seed's own call.started example has a trailing comma.
  HttpResult result = Deliver(source.url, ReadFixture("whippy/call_started.json"));
  EXPECT_EQ(result.status, 400);
  nlohmann::json rejected = Deliveries(tenant.api_key, "?status=rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_NE(rejected[0]["error"].get<std::string>().find("not valid JSON"), std::string::npos);
  std::string id = rejected[0]["id"];
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/webhook-deliveries/" + id).Json()["body"],
            ReadFixture("whippy/call_started.json"));
  EXPECT_EQ(suite
                .Post(tenant.api_key, "/v1/webhook-deliveries/" + id + ":replay",
                      nlohmann::json::object())
                .status,
            400);
  EXPECT_TRUE(EventsFrom(tenant.api_key, "whippy").empty());
}

TEST(Webhooks, UnknownEventTypesAreAcknowledgedAndCounted) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  Source source = CreateSource(tenant.api_key, "agntix");
  nlohmann::json body = nlohmann::json::parse(ReadFixture("agntix/session_created.json"));
  body["eventType"] = "knowledge_store.updated";
  HttpResult result = Deliver(source.url, body.dump());
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.Json()["status"], "ignored");
  EXPECT_GE(Metrics::Global().CounterValue(
                "aievents_webhook_ignored_total",
                {{"vendor", "agntix"}, {"event_type", "knowledge_store.updated"}}),
            1);
  EXPECT_EQ(Deliveries(tenant.api_key, "?status=ignored").size(), 1u);
  EXPECT_TRUE(EventsFrom(tenant.api_key, "agntix").empty());
}

TEST(Webhooks, SipgateGets204AndOneEventWithTheTranscript) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"phone", "+49 151 12345678"}});
  Source source = CreateSource(tenant.api_key, "sipgate");
  auto event_of = [](const std::string& fixture) {
    nlohmann::json body = nlohmann::json::parse(ReadFixture(fixture));
    body["session"]["from_phone_number"] = "4915112345678";  // no leading +, as sipgate sends
    return body.dump();
  };
  std::vector<std::string> turns = {"sipgate/user_speak.json", "sipgate/assistant_speak.json",
                                    "sipgate/user_speak_2.json"};
  // Lifecycle events in every position relative to the turns (turns keep their order: sipgate
  // numbers nothing, so arrival order is the transcript order).
  nlohmann::json expected;
  for (int start_at = 0; start_at <= 3; ++start_at) {
    for (int end_at : {0, 3}) {
      std::vector<std::string> order = turns;
      order.insert(order.begin() + end_at, "sipgate/session_end.json");
      order.insert(order.begin() + std::min<int>(start_at, order.size()),
                   "sipgate/session_start.json");
      auto run = suite.NewTenant();
      CreateCustomer(suite, run.api_key, {{"phone", "+49 151 12345678"}});
      Source run_source = CreateSource(run.api_key, "sipgate");
      for (const std::string& fixture : order) {
        HttpResult result = Deliver(run_source.url, event_of(fixture));
        ASSERT_EQ(result.status, 204) << fixture;
        EXPECT_TRUE(result.body.empty()) << "sipgate must never receive an action";
      }
      nlohmann::json events = EventsFrom(run.api_key, "sipgate");
      ASSERT_EQ(events.size(), 1u);
      nlohmann::json event = Comparable(events[0], /*drop_times=*/true);
      if (expected.is_null()) expected = event;
      EXPECT_EQ(event, expected) << "start at " << start_at << ", end at " << end_at;
    }
  }
  EXPECT_EQ(expected["raw_payload"]["transcript"],
            "User: Hi, I would like to move my appointment.\nAssistant: Sure, which day suits "
            "you?\nUser: Thursday morning, please.");
  EXPECT_EQ(expected["match_method"], "phone");

  // sms_failed is an event of its own, matched by the recipient (digits without +).
  HttpResult sms = Deliver(source.url, ReadFixture("sipgate/sms_failed.json"));
  EXPECT_EQ(sms.status, 204);
  nlohmann::json events = EventsFrom(tenant.api_key, "sipgate");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["event_type"], "sms");
  EXPECT_EQ(events[0]["customer_id"], customer);
  EXPECT_NE(events[0]["summary"].get<std::string>().find("sender_not_allowed"), std::string::npos);
}

TEST(Webhooks, FailedDeliveryCanBeReplayedAfterAFix) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"phone", "+13232139334"}});
  Source source = CreateSource(tenant.api_key, "whippy");
  // An ingest replica with a wrong internal token cannot reach matching: its deliveries are
  // stored but fail, as they would while matching is misconfigured.
  ingest::IngestConfig broken = suite.ingest_config();
  broken.service.internal_token = std::string(40, 'x');
  auto replica = ingest::IngestServer::Start(broken);
  ASSERT_TRUE(replica.ok()) << replica.status();
  auto stub = v1::WebhookService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string((*replica)->grpc_port()), grpc::InsecureChannelCredentials()));
  v1::ReceiveDeliveryRequest request;
  request.set_vendor("whippy");
  request.set_token(source.url.substr(source.url.rfind('/') + 1));
  request.set_body(ReadFixture("whippy/call_analyzed.json"));
  grpc::ClientContext context;
  v1::ReceiveDeliveryResponse response;
  ASSERT_TRUE(stub->ReceiveDelivery(&context, request, &response).ok()) << "still acknowledged";
  EXPECT_EQ(response.status(), v1::DELIVERY_STATUS_FAILED);
  (*replica)->Shutdown();

  nlohmann::json failed = Deliveries(tenant.api_key, "?status=failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_FALSE(failed[0]["error"].get<std::string>().empty());
  EXPECT_TRUE(EventsFrom(tenant.api_key, "whippy").empty());
  auto listed = admin::ListDeliveries(suite.database_url(), tenant.id, "failed", 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u) << "the CLI sees it too";

  // The fix is a healthy replica: replay through the API.
  std::string id = failed[0]["id"];
  HttpResult replayed = suite.Post(tenant.api_key, "/v1/webhook-deliveries/" + id + ":replay",
                                   nlohmann::json::object());
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(replayed.Json()["status"], "processed");
  nlohmann::json events = EventsFrom(tenant.api_key, "whippy");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["customer_id"], customer);

  // The CLI's replay queues it for the inbox worker, which processes it again (idempotently).
  // The worker must be seen doing it: the delivery is pending first, then processed again,
  // with one more attempt and a later processing time than the API's replay left.
  nlohmann::json before = suite.Get(tenant.api_key, "/v1/webhook-deliveries/" + id).Json();
  ASSERT_TRUE(admin::RequeueDelivery(suite.database_url(), tenant.id, id).ok());
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/webhook-deliveries/" + id).Json()["status"], "pending");
  nlohmann::json after;
  for (int i = 0; i < 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    after = suite.Get(tenant.api_key, "/v1/webhook-deliveries/" + id).Json();
    if (after["status"] == "processed") break;
  }
  EXPECT_EQ(after["status"], "processed");
  EXPECT_EQ(after["attempts"].get<int>(), before["attempts"].get<int>() + 1);
  EXPECT_GT(after["processed_at"].get<std::string>(), before["processed_at"].get<std::string>());
  EXPECT_EQ(EventsFrom(tenant.api_key, "whippy").size(), 1u);
}

TEST(Webhooks, SourcesAndInboxAreTenantScoped) {
  Suite& suite = SharedSuite();
  auto a = suite.NewTenant();
  auto b = suite.NewTenant();
  Source source = CreateSource(a.api_key, "whippy");
  ASSERT_EQ(Deliver(source.url, ReadFixture("whippy/call_ended.json")).status, 200);
  std::string delivery = Deliveries(a.api_key)[0]["id"];
  EXPECT_TRUE(Deliveries(b.api_key).empty());
  EXPECT_EQ(suite.Get(b.api_key, "/v1/webhook-deliveries/" + delivery).status, 404);
  EXPECT_EQ(suite
                .Post(b.api_key, "/v1/webhook-deliveries/" + delivery + ":replay",
                      nlohmann::json::object())
                .status,
            404);
  EXPECT_EQ(suite
                .Post(b.api_key, "/v1/webhook-sources/" + source.id + ":disable",
                      nlohmann::json::object())
                .status,
            404);
  EXPECT_TRUE(suite.Get(b.api_key, "/v1/webhook-sources").Json()["webhook_sources"].empty());
  EXPECT_TRUE(EventsFrom(b.api_key, "whippy").empty());
  EXPECT_EQ(EventsFrom(a.api_key, "whippy").size(), 1u);

  // Wrong vendor in the URL, unknown token, and a disabled source all look the same: 404.
  std::string token = source.url.substr(source.url.rfind('/') + 1);
  EXPECT_EQ(Deliver("/v1/webhooks/agntix/" + token, "{}").status, 404);
  EXPECT_EQ(Deliver("/v1/webhooks/whippy/whk_nope", "{}").status, 404);
  ASSERT_EQ(suite.Call(a.api_key, "POST", "/v1/webhook-sources/" + source.id + ":disable").status,
            200);
  EXPECT_EQ(Deliver(source.url, ReadFixture("whippy/call_analyzed.json")).status, 404);
  nlohmann::json listed = suite.Get(a.api_key, "/v1/webhook-sources").Json()["webhook_sources"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0]["disabled_at"].is_string());
  EXPECT_FALSE(listed[0].contains("token")) << "tokens are never shown again";
}

TEST(Webhooks, SourceValidation) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  HttpResult no_vendor =
      suite.Post(tenant.api_key, "/v1/webhook-sources", nlohmann::json::object());
  EXPECT_EQ(no_vendor.status, 400);
  EXPECT_FALSE(ViolationFor(no_vendor, "vendor").empty());
  HttpResult bad_secret = suite.Post(tenant.api_key, "/v1/webhook-sources",
                                     {{"vendor", "agntix"}, {"signing_secret", "hunter2"}});
  EXPECT_EQ(bad_secret.status, 400);
  EXPECT_FALSE(ViolationFor(bad_secret, "signing_secret").empty());
  EXPECT_EQ(suite.Post(tenant.api_key, "/v1/webhook-sources", {{"vendor", "twilio"}}).status, 400);
}

}  // namespace
}  // namespace aievents::testing
