#include "common/text/redaction.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

TEST(RedactPath, CutsCredentialsAndDropsTheQuery) {
  EXPECT_EQ(RedactPath("/v1/webhooks/whippy/whk_AbCdEfGhIjKlMnOpQrStUvWx"),
            "/v1/webhooks/whippy/whk_AbCd…");
  EXPECT_EQ(RedactPath("/v1/x/aiev_0123456789abcdef?api_key=aiev_secret"), "/v1/x/aiev_012…");
  EXPECT_EQ(RedactPath("/v1/ai-events/01a2-uuid:associate"), "/v1/ai-events/01a2-uuid:associate");
  EXPECT_EQ(RedactPath("/"), "/");
  EXPECT_EQ(RedactPath(""), "");
}

}  // namespace
}  // namespace aievents
