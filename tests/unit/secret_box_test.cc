#include "common/auth/secret_box.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

TEST(SecretBox, SealsAndOpensBoundToItsRow) {
  auto box = SecretBox::FromBase64Keys({SecretBox::NewBase64Key()});
  ASSERT_TRUE(box.ok()) << box.status();
  std::string sealed = box->Seal("whsec_secret", "tenant|source");
  EXPECT_EQ(sealed.rfind("aesgcm1:", 0), 0u);
  EXPECT_EQ(sealed.find("whsec_secret"), std::string::npos);
  EXPECT_NE(box->Seal("whsec_secret", "tenant|source"), sealed) << "a fresh nonce each time";
  EXPECT_EQ(*box->Open(sealed, "tenant|source"), "whsec_secret");
  EXPECT_EQ(box->Open(sealed, "tenant|other source").status().code(), absl::StatusCode::kDataLoss);
  // A character inside the ciphertext (the last ones may be only base64 padding bits).
  std::string tampered = sealed;
  size_t inside = sealed.rfind(':') + 20;
  tampered[inside] = tampered[inside] == 'A' ? 'B' : 'A';
  EXPECT_EQ(box->Open(tampered, "tenant|source").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(box->NeedsResealing(sealed));
}

TEST(SecretBox, RotationOpensOldValuesAndSealsWithTheNewKey) {
  std::string old_key = SecretBox::NewBase64Key();
  std::string new_key = SecretBox::NewBase64Key();
  auto before = SecretBox::FromBase64Keys({old_key});
  std::string sealed = before->Seal("s", "row");
  auto during = SecretBox::FromBase64Keys({new_key, old_key});
  EXPECT_EQ(*during->Open(sealed, "row"), "s");
  EXPECT_TRUE(during->NeedsResealing(sealed));
  std::string resealed = during->Seal("s", "row");
  EXPECT_FALSE(during->NeedsResealing(resealed));
  auto after = SecretBox::FromBase64Keys({new_key});
  EXPECT_EQ(*after->Open(resealed, "row"), "s");
  EXPECT_EQ(after->Open(sealed, "row").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SecretBox, PlaintextFromBeforeEncryptionStillOpensAndWantsResealing) {
  auto box = SecretBox::FromBase64Keys({SecretBox::NewBase64Key()});
  EXPECT_EQ(*box->Open("whsec_legacy", "row"), "whsec_legacy");
  EXPECT_TRUE(box->NeedsResealing("whsec_legacy"));
}

TEST(SecretBox, RefusesKeysThatAreNot32Bytes) {
  EXPECT_FALSE(SecretBox::FromBase64Keys({}).ok());
  EXPECT_FALSE(SecretBox::FromBase64Keys({"c2hvcnQ="}).ok());
  EXPECT_FALSE(SecretBox::Load("", " , ").ok());
  EXPECT_TRUE(
      SecretBox::Load("", SecretBox::NewBase64Key() + "," + SecretBox::NewBase64Key()).ok());
}

}  // namespace
}  // namespace aievents
