#include "common/runtime/config_source.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

TEST(ConfigSource, FlagsWinOverEnvironmentOverDefaults) {
  ConfigSource source({"--listen-port=9000"},
                      {{"AIEVENTS_LISTEN_PORT", "7000"}, {"AIEVENTS_LOG_LEVEL", "warn"}});
  EXPECT_EQ(source.Int("listen-port", 8080, 0, 65535, ""), 9000);
  EXPECT_EQ(source.String("log-level", "info", ""), "warn");
  EXPECT_EQ(source.String("other", "fallback", ""), "fallback");
  EXPECT_TRUE(source.Finish().ok());
}

TEST(ConfigSource, ReportsEveryProblemTogether) {
  ConfigSource source({"--listen-port=abc", "--typo=1", "positional"}, {});
  source.Int("listen-port", 8080, 0, 65535, "");
  source.RequiredString("database-url", "");
  absl::Status status = source.Finish();
  ASSERT_FALSE(status.ok());
  std::string message(status.message());
  EXPECT_NE(message.find("--listen-port must be an integer"), std::string::npos);
  EXPECT_NE(message.find("unknown flag --typo"), std::string::npos);
  EXPECT_NE(message.find("missing required setting --database-url"), std::string::npos);
  EXPECT_NE(message.find("positional"), std::string::npos);
}

TEST(ConfigSource, EnvNames) {
  EXPECT_EQ(ConfigSource::EnvName("database-url"), "AIEVENTS_DATABASE_URL");
}

}  // namespace
}  // namespace aievents
