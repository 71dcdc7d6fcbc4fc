// Reading timelines: a customer's events newest occurred_at first with a total, stable order;
// the unmatched queue and all events newest received first; keyset paging that neither skips
// nor repeats while events arrive; filters; page size and token rules.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

class TimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = SharedSuite().NewTenant();
    customer_ = CreateCustomer(SharedSuite(), tenant_.api_key, {{"email", "tl@example.com"}});
  }
  nlohmann::json Event(const std::string& occurred_at, const std::string& tag,
                       const std::string& type = "phone_call",
                       const std::string& source = "retell") {
    return CreateEvent(SharedSuite(), tenant_.api_key, {{"email", "tl@example.com"}}, occurred_at,
                       tag, type, source);
  }
  std::string CustomerList() { return "/v1/customers/" + customer_ + "/ai-events"; }

  Suite::Tenant tenant_;
  std::string customer_;
};

TEST_F(TimelineTest, NewestOccurredFirstWithIdTieBreak) {
  Event("2026-03-10T10:00:00Z", "a");
  Event("2026-03-12T10:00:00Z", "b");
  std::vector<std::string> tied = {Event("2026-03-11T10:00:00Z", "c")["id"],
                                   Event("2026-03-11T10:00:00Z", "d")["id"],
                                   Event("2026-03-11T12:00:00+02:00", "e")["id"]};
  HttpResult result = SharedSuite().Get(tenant_.api_key, CustomerList());
  ASSERT_EQ(result.status, 200) << result.body;
  nlohmann::json events = result.Json()["ai_events"];
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["source_eid"], "b");
  EXPECT_EQ(events[4]["source_eid"], "a");
  std::sort(tied.rbegin(), tied.rend());  // same instant: id descending
  EXPECT_EQ(events[1]["id"], tied[0]);
  EXPECT_EQ(events[2]["id"], tied[1]);
  EXPECT_EQ(events[3]["id"], tied[2]);
  EXPECT_EQ(result.Json()["next_page_token"], "");
  // Stable: the same request gives the same order.
  EXPECT_EQ(SharedSuite().Get(tenant_.api_key, CustomerList()).Json()["ai_events"], events);
}

TEST_F(TimelineTest, PagesCoverEverythingOnceInOrder) {
  std::vector<std::string> expected;
  for (int i = 0; i < 23; ++i) {
    // Several events per instant, so page boundaries fall inside ties.
    std::string at = "2026-03-" + std::to_string(10 + i / 3) + "T10:00:00Z";
    expected.push_back(Event(at, "p" + std::to_string(i))["id"]);
  }
  std::vector<std::string> all = AllPages(SharedSuite(), tenant_.api_key, CustomerList(), 100);
  ASSERT_EQ(all.size(), 23u);
  for (int size : {1, 2, 5, 7}) {
    EXPECT_EQ(AllPages(SharedSuite(), tenant_.api_key, CustomerList(), size), all) << size;
  }
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, expected);
}

TEST_F(TimelineTest, PagingStaysCorrectWhileEventsArrive) {
  std::vector<std::string> before;
  for (int i = 0; i < 12; ++i) {
    before.push_back(
        Event("2026-03-" + std::to_string(10 + i) + "T10:00:00Z", "old" + std::to_string(i))["id"]);
  }
  std::vector<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    std::string url =
        CustomerList() + "?page_size=4" + (token.empty() ? "" : "&page_token=" + token);
    nlohmann::json body = SharedSuite().Get(tenant_.api_key, url).Json();
    for (const auto& event : body["ai_events"]) seen.push_back(event["id"]);
    // New events land before, inside and after the part already read.
    Event("2026-03-30T10:00:00Z", "new-top" + std::to_string(page));
    Event("2026-03-15T10:00:00Z", "new-middle" + std::to_string(page));
    Event("2026-03-01T10:00:00Z", "new-bottom" + std::to_string(page));
    token = body["next_page_token"];
    if (token.empty()) break;
  }
  std::vector<std::string> unique = seen;
  std::sort(unique.begin(), unique.end());
  EXPECT_EQ(std::unique(unique.begin(), unique.end()), unique.end()) << "an event was repeated";
  for (const std::string& id : before) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), id), seen.end()) << "skipped " << id;
  }
}

TEST_F(TimelineTest, Filters) {
  Event("2026-03-10T10:00:00Z", "f1", "phone_call", "retell");
  Event("2026-03-11T10:00:00Z", "f2", "sms", "retell");
  Event("2026-03-12T10:00:00Z", "f3", "sms", "zapier");
  Event("2026-03-13T10:00:00Z", "f4", "chat", "zapier");
  auto tags = [&](const std::string& query) {
    std::vector<std::string> out;
    HttpResult result = SharedSuite().Get(tenant_.api_key, CustomerList() + query);
    EXPECT_EQ(result.status, 200) << result.body;
    nlohmann::json body = result.Json();
    for (const auto& event : body["ai_events"]) out.push_back(event["source_eid"]);
    return out;
  };
  EXPECT_EQ(tags("?event_type=sms"), (std::vector<std::string>{"f3", "f2"}));
  EXPECT_EQ(tags("?source=zapier"), (std::vector<std::string>{"f4", "f3"}));
  EXPECT_EQ(tags("?event_type=sms&source=zapier"), (std::vector<std::string>{"f3"}));
  EXPECT_EQ(tags("?occurred_after=2026-03-11T10:00:00Z&occurred_before=2026-03-13T10:00:00Z"),
            (std::vector<std::string>{"f3", "f2"}));
  EXPECT_EQ(tags("?occurred_after=2026-03-11T12:00:00%2B02:00"),
            (std::vector<std::string>{"f4", "f3", "f2"}));
  // Paging keeps the filters.
  EXPECT_EQ(AllPages(SharedSuite(), tenant_.api_key, CustomerList() + "?source=zapier", 1).size(),
            2u);
}

TEST_F(TimelineTest, PageSizeAndTokenRules) {
  for (int i = 0; i < 3; ++i)
    Event("2026-03-1" + std::to_string(i) + "T10:00:00Z", "s" + std::to_string(i));
  HttpResult big = SharedSuite().Get(tenant_.api_key, CustomerList() + "?page_size=100000");
  EXPECT_EQ(big.status, 200) << "sizes above 500 are reduced, not refused";
  HttpResult negative = SharedSuite().Get(tenant_.api_key, CustomerList() + "?page_size=-1");
  EXPECT_EQ(negative.status, 400);
  EXPECT_FALSE(ViolationFor(negative, "page_size").empty());
  HttpResult garbage = SharedSuite().Get(tenant_.api_key, CustomerList() + "?page_token=garbage!");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_FALSE(ViolationFor(garbage, "page_token").empty());
  std::string token =
      SharedSuite().Get(tenant_.api_key, CustomerList() + "?page_size=1").Json()["next_page_token"];
  ASSERT_FALSE(token.empty());
  HttpResult other_filter = SharedSuite().Get(
      tenant_.api_key, CustomerList() + "?page_size=1&event_type=sms&page_token=" + token);
  EXPECT_EQ(other_filter.status, 400);
  HttpResult other_list =
      SharedSuite().Get(tenant_.api_key, "/v1/ai-events?page_size=1&page_token=" + token);
  EXPECT_EQ(other_list.status, 400);
  EXPECT_EQ(SharedSuite().Get(tenant_.api_key, CustomerList() + "?colour=red").status, 400);
  EXPECT_EQ(SharedSuite().Get(tenant_.api_key, CustomerList() + "?event_type=fax").status, 400);
  EXPECT_EQ(SharedSuite().Get(tenant_.api_key, CustomerList() + "?occurred_after=yesterday").status,
            400);
}

TEST_F(TimelineTest, UnknownCustomerIs404) {
  EXPECT_EQ(
      SharedSuite()
          .Get(tenant_.api_key, "/v1/customers/01a1fd11-d7e9-7006-9e48-5e3072079a3d/ai-events")
          .status,
      404);
}

TEST_F(TimelineTest, UnmatchedMatchedAndAllViews) {
  std::string matched = Event("2026-03-10T10:00:00Z", "m1")["id"];
  std::string unmatched_old =
      CreateEvent(SharedSuite(), tenant_.api_key, {{"email", "nobody1@example.com"}},
                  "2026-03-20T10:00:00Z", "u1")["id"];
  std::string unmatched_new =
      CreateEvent(SharedSuite(), tenant_.api_key, {{"email", "nobody2@example.com"}},
                  "2026-03-01T10:00:00Z", "u2")["id"];
  // Newest *received* first, whatever occurred_at says.
  EXPECT_EQ(AllPages(SharedSuite(), tenant_.api_key, "/v1/ai-events?matched=false", 1),
            (std::vector<std::string>{unmatched_new, unmatched_old}));
  EXPECT_EQ(AllPages(SharedSuite(), tenant_.api_key, "/v1/ai-events?matched=true", 10),
            (std::vector<std::string>{matched}));
  EXPECT_EQ(AllPages(SharedSuite(), tenant_.api_key, "/v1/ai-events", 2),
            (std::vector<std::string>{unmatched_new, unmatched_old, matched}));
  HttpResult filtered = SharedSuite().Get(
      tenant_.api_key, "/v1/ai-events?matched=false&occurred_after=2026-03-15T00:00:00Z");
  ASSERT_EQ(filtered.Json()["ai_events"].size(), 1u);
  EXPECT_EQ(filtered.Json()["ai_events"][0]["id"], unmatched_old);
  EXPECT_EQ(SharedSuite().Get(tenant_.api_key, "/v1/ai-events?matched=maybe").status, 400);
}

}  // namespace
}  // namespace aievents::testing
