// W2: Standard Webhooks signatures.
#include "core/webhook_sign.hpp"

#include <gtest/gtest.h>

using namespace hitlai::webhook;

namespace {
// The test vector published with the Standard Webhooks specification.
const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const int64_t kTs = 1614265330;
const std::string kBody = R"({"test": 2432232314})";
const std::string kSig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

std::string hex(const std::string& b) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) out += d[c >> 4], out += d[c & 15];
  return out;
}
}  // namespace

TEST(WebhookSign, Base64RoundTrip) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  for (int n = 0; n < 70; ++n) {
    std::string bytes;
    for (int i = 0; i < n; ++i) bytes += char((i * 37 + n) & 0xFF);
    auto back = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(back.has_value()) << n;
    EXPECT_EQ(*back, bytes);
  }
}

TEST(WebhookSign, Base64Strict) {
  EXPECT_EQ(base64_decode("Zg==").value(), "f");
  EXPECT_EQ(base64_decode("Zg").value(), "f");  // padding optional
  EXPECT_FALSE(base64_decode("Zg=").has_value());   // misplaced padding
  EXPECT_FALSE(base64_decode("Z").has_value());     // impossible length
  EXPECT_FALSE(base64_decode("Zh==").has_value());  // non-zero leftover bits
  EXPECT_FALSE(base64_decode("Zm9v YmFy").has_value());
  EXPECT_FALSE(base64_decode("Zm9v-mFy").has_value());  // URL alphabet is not ours
  EXPECT_FALSE(base64_decode("Z===").has_value());
}

TEST(WebhookSign, HmacRfc4231) {  // RFC 4231 test case 2
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_sha256("", "").size(), 32u);
}

TEST(WebhookSign, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

TEST(WebhookSign, SecretKey) {
  EXPECT_EQ(secret_key("whsec_Zm9vYmFy"), "foobar");
  EXPECT_EQ(secret_key("plain secret"), "plain secret");     // no prefix: raw bytes
  EXPECT_EQ(secret_key("whsec_not base64!"), "whsec_not base64!");  // not base64: raw
  EXPECT_EQ(secret_key("whsec_"), "whsec_");                 // empty key: raw
}

TEST(WebhookSign, StandardWebhooksVector) {  // W2
  EXPECT_EQ(sign_v1(secret_key(kSecret), kId, kTs, kBody), kSig);
  EXPECT_EQ(signature_header({kSecret}, kId, kTs, kBody), kSig);
  EXPECT_TRUE(verify(kSecret, kId, kTs, kBody, kSig, kTs, 300));
  EXPECT_TRUE(verify(kSecret, kId, kTs, kBody, kSig, kTs + 300, 300));
  EXPECT_TRUE(verify(kSecret, kId, kTs, kBody, kSig, kTs - 300, 300));
}

TEST(WebhookSign, RawSecretMatchesPython) {  // value from Python's hmac/base64
  EXPECT_EQ(signature_header({"hitlai-raw-secret"}, kId, kTs, kBody),
            "v1,zwiOIGBPpE+xz9F5Y9mhzvmFiBz1ACE6YTE1zum0oHg=");
}

TEST(WebhookSign, VerifyRefuses) {  // W2
  EXPECT_FALSE(verify(kSecret, kId, kTs, kBody, kSig, kTs + 301, 300));  // too old
  EXPECT_FALSE(verify(kSecret, kId, kTs, kBody, kSig, kTs - 301, 300));  // from the future
  EXPECT_FALSE(verify(kSecret, kId, kTs, R"({"test": 2432232315})", kSig, kTs, 300));
  EXPECT_FALSE(verify(kSecret, "msg_other", kTs, kBody, kSig, kTs, 300));
  EXPECT_FALSE(verify(kSecret, kId, kTs + 1, kBody, kSig, kTs + 1, 300));
  EXPECT_FALSE(verify("whsec_Zm9vYmFy", kId, kTs, kBody, kSig, kTs, 300));
  EXPECT_FALSE(verify(kSecret, kId, kTs, kBody, "", kTs, 300));
  EXPECT_FALSE(verify(kSecret, kId, kTs, kBody, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", kTs, 300));
  EXPECT_FALSE(verify(kSecret, kId, kTs, kBody, "v1,g0hM9SsE", kTs, 300));
  EXPECT_FALSE(verify(kSecret, kId, kTs, kBody, kSig, kTs, -1));
  EXPECT_FALSE(verify(kSecret, kId, INT64_MIN, kBody, kSig, INT64_MAX, 300));  // no overflow
}

TEST(WebhookSign, SeveralSignatures) {  // W2/W6: rotation sends two
  const std::string header = signature_header({"whsec_Zm9vYmFy", kSecret}, kId, kTs, kBody);
  EXPECT_EQ(header.find(' '), header.rfind(' '));
  EXPECT_EQ(header.substr(header.find(' ') + 1), kSig);
  EXPECT_EQ(parse_v1_signatures(header).size(), 2u);
  EXPECT_TRUE(verify(kSecret, kId, kTs, kBody, header, kTs, 300));
  EXPECT_TRUE(verify("whsec_Zm9vYmFy", kId, kTs, kBody, header, kTs, 300));
  EXPECT_FALSE(verify("whsec_YmFy", kId, kTs, kBody, header, kTs, 300));
  // unknown versions and junk between valid entries are skipped
  EXPECT_TRUE(verify(kSecret, kId, kTs, kBody, "v1a,xyz v2,abc " + kSig + " junk", kTs, 300));
}
