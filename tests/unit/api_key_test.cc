#include "common/auth/api_key.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace aievents {
namespace {

TEST(ApiKey, NewKeysHaveThePrefixAndAValidChecksum) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    GeneratedApiKey key = GenerateApiKey();
    EXPECT_TRUE(std::regex_match(key.plaintext, std::regex("aiev_[0-9A-Za-z]{49}")));
    EXPECT_TRUE(IsWellFormedApiKey(key.plaintext));
    EXPECT_EQ(key.prefix, key.plaintext.substr(0, 12));
    EXPECT_EQ(key.hash, HashApiKey(key.plaintext));
    EXPECT_TRUE(seen.insert(key.plaintext).second);
  }
}

TEST(ApiKey, EveryChangedCharacterBreaksTheChecksum) {
  std::string key = GenerateApiKey().plaintext;
  for (size_t i = 5; i < key.size(); ++i) {
    std::string changed = key;
    changed[i] = changed[i] == 'Z' ? 'Y' : 'Z';
    EXPECT_FALSE(IsWellFormedApiKey(changed)) << i;
    EXPECT_FALSE(ApiKeyChecksumPlausible(changed)) << i;
  }
}

TEST(ApiKey, OlderKeysAreStillLookedUp) {
  // "aiev_" + 43 base64url characters, the format before checksums.
  std::string old = "aiev_" + std::string(40, 'a') + "-_b";
  EXPECT_FALSE(IsWellFormedApiKey(old));
  EXPECT_TRUE(ApiKeyChecksumPlausible(old));
}

}  // namespace
}  // namespace aievents
