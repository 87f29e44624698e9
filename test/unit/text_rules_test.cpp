// Unit tests of the pure text rules (D3, D5, D12, D13), no backend needed.
#include "core/text_rules.hpp"

#include <gtest/gtest.h>

#include <string>

using hitlai::UrlRule;

TEST(NormalizeEmail, TrimsAndLowercases) {  // D13
  EXPECT_EQ(hitlai::normalize_email("  Alice@Example.COM \t\n"), "alice@example.com");
  EXPECT_EQ(hitlai::normalize_email("bob@x.io"), "bob@x.io");
  EXPECT_EQ(hitlai::normalize_email("   "), "");
  EXPECT_EQ(hitlai::normalize_email(""), "");
}

TEST(NormalizeEmail, KeepsNonAsciiBytes) {
  EXPECT_EQ(hitlai::normalize_email("J\xC3\x9CRGEN@Example.de"), "j\xC3\x9Crgen@example.de");
}

TEST(Url, AcceptsAbsoluteHttpAndHttps) {  // D3
  for (const char* u : {"http://example.com", "https://example.com/", "HTTPS://Example.com/a?b#c",
                        "https://sub.example.co.uk:8443/path/x.html?q=1",
                        "http://127.0.0.1:3000", "http://[::1]:8080/x", "https://user:pw@host.io/",
                        "https://localhost", "https://a_b.example.com"})
    EXPECT_TRUE(hitlai::is_valid_url(u, UrlRule::kHttpOrHttps)) << u;
}

TEST(Url, RejectsOtherSchemesRelativeAndMalformed) {  // D3
  for (const char* u :
       {"", "example.com", "/relative/path", "ftp://example.com", "javascript:alert(1)",
        "http://", "https:///path", "http://exa mple.com", "http://example.com/ a",
        "http://-bad-.com", "http://example..com", "http://host:0", "http://host:65536",
        "http://host:", "http://host:12a", "http://[::1", "http://[zz]/", "mailto:a@b.c",
        "http://example.com\n", "https://999.1.1.1.1/"})
    EXPECT_FALSE(hitlai::is_valid_url(u, UrlRule::kHttpOrHttps)) << u;
}

TEST(Url, WebhooksNeedHttpsExceptLocalhost) {  // D12
  EXPECT_TRUE(hitlai::is_valid_url("https://hooks.example.com/x", UrlRule::kHttpsOrLocalHttp));
  EXPECT_TRUE(hitlai::is_valid_url("http://localhost:9000/hook", UrlRule::kHttpsOrLocalHttp));
  EXPECT_TRUE(hitlai::is_valid_url("http://127.0.0.1/hook", UrlRule::kHttpsOrLocalHttp));
  EXPECT_TRUE(hitlai::is_valid_url("http://[::1]/hook", UrlRule::kHttpsOrLocalHttp));
  EXPECT_FALSE(hitlai::is_valid_url("http://hooks.example.com/x", UrlRule::kHttpsOrLocalHttp));
  EXPECT_FALSE(hitlai::is_valid_url("http://localhost.evil.com/", UrlRule::kHttpsOrLocalHttp));
  EXPECT_FALSE(hitlai::is_valid_url("http://128.0.0.1/", UrlRule::kHttpsOrLocalHttp));
}

TEST(Country, Iso3166Alpha2UpperCase) {  // D5
  for (const char* c : {"DE", "US", "GB", "JP", "BR", "ZW", "AD"})
    EXPECT_TRUE(hitlai::is_iso3166_alpha2(c)) << c;
  for (const char* c : {"de", "Us", "XX", "UK", "D", "DEU", "", "1A", "EU"})
    EXPECT_FALSE(hitlai::is_iso3166_alpha2(c)) << c;
}

TEST(Base64, Rfc4648Vectors) {
  auto b64 = [](const std::string& s) {
    return hitlai::base64_encode(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  EXPECT_EQ(b64(""), "");
  EXPECT_EQ(b64("f"), "Zg==");
  EXPECT_EQ(b64("fo"), "Zm8=");
  EXPECT_EQ(b64("foo"), "Zm9v");
  EXPECT_EQ(b64("foob"), "Zm9vYg==");
  EXPECT_EQ(b64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
}

TEST(WebhookSecret, PrefixAndLength) {  // D12
  unsigned char bytes[24] = {};
  std::string s = hitlai::webhook_secret_from_bytes(bytes, sizeof bytes);
  EXPECT_EQ(s.rfind("whsec_", 0), 0u);
  EXPECT_EQ(s.size(), 6u + 32u);  // 24 bytes -> 32 base64 characters, no padding
}
