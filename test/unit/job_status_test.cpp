// F3: the fine-tuning job life cycle.
#include "core/job_status.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "core/error.hpp"

using namespace hitlai::job_status;

namespace {
const Status kAll[] = {Status::kPending,   Status::kValidatingFiles, Status::kQueued,
                       Status::kRunning,   Status::kSucceeded,       Status::kFailed,
                       Status::kCancelled};

std::string sqlstate_of(void (*f)()) {
  try {
    f();
  } catch (const hitlai::Error& e) {
    return e.sqlstate_text();
  }
  return "";
}
}  // namespace

TEST(JobStatus, ExactlyTheAllowedMoves) {  // F3
  std::set<std::pair<std::string, std::string>> want = {
      {"pending", "validating_files"}, {"validating_files", "queued"}, {"queued", "running"},
      {"running", "succeeded"},        {"pending", "failed"},          {"validating_files", "failed"},
      {"queued", "failed"},            {"running", "failed"},          {"pending", "cancelled"},
      {"validating_files", "cancelled"}, {"queued", "cancelled"},      {"running", "cancelled"}};
  std::set<std::pair<std::string, std::string>> got;
  for (Status a : kAll)
    for (Status b : kAll) {
      if (a == b) {
        EXPECT_TRUE(move_allowed(a, b)) << "staying in " << name(a) << " is not a move";
        continue;
      }
      if (move_allowed(a, b)) {
        got.emplace(std::string(name(a)), std::string(name(b)));
        EXPECT_NO_THROW(check_move(a, b));
      } else {
        try {
          check_move(a, b);
          ADD_FAILURE() << name(a) << " -> " << name(b) << " allowed";
        } catch (const hitlai::Error& e) {
          EXPECT_EQ(e.sqlstate_text(), "HL002");
          EXPECT_NE(e.message().find("\"" + std::string(name(a)) + "\""), std::string::npos);
          EXPECT_NE(e.message().find("\"" + std::string(name(b)) + "\""), std::string::npos);
          EXPECT_EQ(e.detail(), std::string(allowed_moves()));
        }
      }
    }
  EXPECT_EQ(got, want);
}

TEST(JobStatus, DetailListsEveryAllowedMove) {  // F3
  const std::string d(allowed_moves());
  EXPECT_NE(d.find("pending -> validating_files | failed | cancelled"), std::string::npos);
  EXPECT_NE(d.find("validating_files -> queued | failed | cancelled"), std::string::npos);
  EXPECT_NE(d.find("queued -> running | failed | cancelled"), std::string::npos);
  EXPECT_NE(d.find("running -> succeeded | failed | cancelled"), std::string::npos);
  EXPECT_NE(d.find("succeeded, failed and cancelled are final"), std::string::npos);
}

TEST(JobStatus, FinalStates) {  // F3
  for (Status s : kAll) {
    bool f = s == Status::kSucceeded || s == Status::kFailed || s == Status::kCancelled;
    EXPECT_EQ(is_final(s), f) << name(s);
  }
  EXPECT_TRUE(entering_final(Status::kRunning, Status::kSucceeded));
  EXPECT_TRUE(entering_final(Status::kPending, Status::kCancelled));
  EXPECT_FALSE(entering_final(Status::kFailed, Status::kFailed));
  EXPECT_FALSE(entering_final(Status::kQueued, Status::kRunning));
}

TEST(JobStatus, ParseAndName) {  // D11
  for (Status s : kAll) EXPECT_EQ(parse(name(s)), s);
  EXPECT_FALSE(parse("done"));
  EXPECT_FALSE(parse("Pending"));
  EXPECT_FALSE(parse(""));
}

TEST(JobStatus, RequiredColumns) {  // F3: 23514
  EXPECT_NO_THROW(check_required(Status::kSucceeded, std::string_view("ft:gpt:1"), std::nullopt));
  EXPECT_NO_THROW(check_required(Status::kFailed, std::nullopt, std::string_view("oom")));
  EXPECT_NO_THROW(check_required(Status::kRunning, std::nullopt, std::nullopt));
  EXPECT_NO_THROW(check_required(Status::kCancelled, std::nullopt, std::nullopt));
  EXPECT_EQ(sqlstate_of([] { check_required(Status::kSucceeded, std::nullopt, std::nullopt); }), "23514");
  EXPECT_EQ(sqlstate_of([] { check_required(Status::kSucceeded, std::string_view(" \t"), std::nullopt); }), "23514");
  EXPECT_EQ(sqlstate_of([] { check_required(Status::kFailed, std::string_view("m"), std::nullopt); }), "23514");
  EXPECT_EQ(sqlstate_of([] { check_required(Status::kFailed, std::nullopt, std::string_view("")); }), "23514");
  try {
    check_required(Status::kSucceeded, std::nullopt, std::nullopt);
  } catch (const hitlai::Error& e) {
    EXPECT_NE(e.message().find("fine_tuned_model_id"), std::string::npos);
  }
  try {
    check_required(Status::kFailed, std::nullopt, std::nullopt);
  } catch (const hitlai::Error& e) {
    EXPECT_NE(e.message().find("error_message"), std::string::npos);
  }
}

TEST(JobStatus, ImmutableOnceSet) {  // F3: HL003
  EXPECT_NO_THROW(check_immutable("job_id", std::nullopt, std::string_view("ftjob-1")));
  EXPECT_NO_THROW(check_immutable("job_id", std::nullopt, std::nullopt));
  EXPECT_NO_THROW(check_immutable("job_id", std::string_view("a"), std::string_view("a")));
  EXPECT_EQ(sqlstate_of([] { check_immutable("job_id", std::string_view("a"), std::string_view("b")); }), "HL003");
  EXPECT_EQ(sqlstate_of([] { check_immutable("training_file_id", std::string_view("f"), std::nullopt); }), "HL003");
  try {
    check_immutable("training_file_id", std::string_view("file-1"), std::string_view("file-2"));
  } catch (const hitlai::Error& e) {
    EXPECT_NE(e.message().find("\"training_file_id\""), std::string::npos);
  }
}
