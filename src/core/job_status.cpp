#include "core/job_status.hpp"

#include <string>

#include "core/error.hpp"

namespace hitlai::job_status {

std::optional<Status> parse(std::string_view s) {
  if (s == "pending") return Status::kPending;
  if (s == "validating_files") return Status::kValidatingFiles;
  if (s == "queued") return Status::kQueued;
  if (s == "running") return Status::kRunning;
  if (s == "succeeded") return Status::kSucceeded;
  if (s == "failed") return Status::kFailed;
  if (s == "cancelled") return Status::kCancelled;
  return std::nullopt;
}

std::string_view name(Status s) {
  switch (s) {
    case Status::kPending: return "pending";
    case Status::kValidatingFiles: return "validating_files";
    case Status::kQueued: return "queued";
    case Status::kRunning: return "running";
    case Status::kSucceeded: return "succeeded";
    case Status::kFailed: return "failed";
    case Status::kCancelled: return "cancelled";
  }
  return "?";
}

bool is_final(Status s) {
  return s == Status::kSucceeded || s == Status::kFailed || s == Status::kCancelled;
}

bool move_allowed(Status from, Status to) {
  if (from == to) return true;  // not a move
  if (is_final(from)) return false;
  if (to == Status::kFailed || to == Status::kCancelled) return true;
  switch (from) {
    case Status::kPending: return to == Status::kValidatingFiles;
    case Status::kValidatingFiles: return to == Status::kQueued;
    case Status::kQueued: return to == Status::kRunning;
    case Status::kRunning: return to == Status::kSucceeded;
    default: return false;
  }
}

std::string_view allowed_moves() {
  return "Allowed moves: pending -> validating_files | failed | cancelled, "
         "validating_files -> queued | failed | cancelled, queued -> running | failed | "
         "cancelled, running -> succeeded | failed | cancelled; succeeded, failed and "
         "cancelled are final.";
}

void check_move(Status from, Status to) {
  if (move_allowed(from, to)) return;
  throw Error(sqlstate::kBadStatusMove,
              "fine-tuning job status cannot change from \"" + std::string(name(from)) +
                  "\" to \"" + std::string(name(to)) + "\"",
              std::string(allowed_moves()));
}

namespace {
bool present(const std::optional<std::string_view>& v) {
  if (!v) return false;
  for (char c : *v)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return true;
  return false;
}
}  // namespace

void check_required(Status to, std::optional<std::string_view> fine_tuned_model_id,
                    std::optional<std::string_view> error_message) {
  if (to == Status::kSucceeded && !present(fine_tuned_model_id))
    throw Error(sqlstate::kCheckViolation,
                "a succeeded fine-tuning job needs fine_tuned_model_id",
                "Set fine_tuned_model_id (the provider's model id) in the same UPDATE.");
  if (to == Status::kFailed && !present(error_message))
    throw Error(sqlstate::kCheckViolation, "a failed fine-tuning job needs error_message",
                "Set error_message (why the job failed) in the same UPDATE.");
}

void check_immutable(std::string_view column, std::optional<std::string_view> old_value,
                     std::optional<std::string_view> new_value) {
  if (!old_value) return;
  if (new_value && *new_value == *old_value) return;
  std::string c(column);
  throw Error(sqlstate::kImmutableColumn,
              "column \"" + c + "\" of fine_tuning_jobs cannot be changed once set",
              "It is \"" + std::string(*old_value) + "\"; a job keeps its " + c + " for life.");
}

}  // namespace hitlai::job_status
