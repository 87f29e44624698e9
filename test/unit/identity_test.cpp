// Unit tests of the JWT identity rules behind hitlai.uid() (SPEC A1), no backend needed.
#include "core/identity.hpp"

#include <gtest/gtest.h>

#include <string>

using hitlai::parse_uuid;
using hitlai::resolve_uid;
using hitlai::subject_from_claims;

namespace {
const char* kId = "9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
}

TEST(ParseUuid, AcceptsWhatUuidInAccepts) {  // A1
  auto canonical = parse_uuid(kId);
  ASSERT_TRUE(canonical);
  EXPECT_EQ((*canonical)[0], 0x9f);
  EXPECT_EQ((*canonical)[15], 0x5d);
  for (const char* s : {"9F1B2C3D-4E5F-4A6B-8C7D-0E1F2A3B4C5D", "{9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}",
                        "9f1b2c3d4e5f4a6b8c7d0e1f2a3b4c5d", "9f1b-2c3d-4e5f-4a6b-8c7d-0e1f-2a3b-4c5d",
                        "{9f1b2c3d4e5f4a6b8c7d0e1f2a3b4c5d}"}) {
    auto u = parse_uuid(s);
    ASSERT_TRUE(u) << s;
    EXPECT_EQ(*u, *canonical) << s;
  }
}

TEST(ParseUuid, RejectsMalformed) {  // A1
  for (const char* s : {"", "not-a-uuid", "9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5", " 9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
                        "9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d ", "9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d0",
                        "{9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d", "9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}",
                        "9f1b2c3d--4e5f-4a6b-8c7d-0e1f2a3b4c5d", "9f1-b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
                        "-9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d", "9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d-",
                        "gf1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"})
    EXPECT_FALSE(parse_uuid(s)) << '"' << s << '"';
}

TEST(SubjectFromClaims, ReadsSubOfAnObject) {  // A1
  std::string claims = std::string(R"({"aud":"authenticated","role":"authenticated","sub":")") + kId +
                       R"(","exp":1999999999,"app_metadata":{"sub":"x"}})";
  auto u = subject_from_claims(claims);
  ASSERT_TRUE(u);
  EXPECT_EQ(*u, *parse_uuid(kId));
}

TEST(SubjectFromClaims, MalformedGivesNothing) {  // A1: never an error
  for (const char* s : {"", "{", "null", "[]", R"(["sub"])", R"({"sub":null})", R"({"sub":42})",
                        R"({"sub":""})", R"({"sub":"abc"})", R"({"role":"anon"})", R"("9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d")",
                        R"({"sub":"9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"} trailing)",
                        R"({"sub":{"id":"9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"}})"})
    EXPECT_FALSE(subject_from_claims(s)) << s;
}

TEST(ResolveUid, ClaimSubWinsThenClaims) {  // A1: request.jwt.claim.sub, else claims->>'sub'
  const std::string other = "00000000-0000-4000-8000-000000000001";
  const std::string claims = std::string(R"({"sub":")") + other + "\"}";
  EXPECT_EQ(*resolve_uid(kId, claims.c_str()), *parse_uuid(kId));
  EXPECT_EQ(*resolve_uid("", claims.c_str()), *parse_uuid(other));
  EXPECT_EQ(*resolve_uid(nullptr, claims.c_str()), *parse_uuid(other));
  EXPECT_FALSE(resolve_uid("garbage", claims.c_str()));  // non-empty claim.sub is used, as in auth.uid()
  EXPECT_FALSE(resolve_uid(nullptr, nullptr));
  EXPECT_FALSE(resolve_uid("", ""));
  EXPECT_FALSE(resolve_uid(nullptr, "not json"));
}
