// F3: the fine-tuning job life cycle (pure C++).
//
//   pending -> validating_files -> queued -> running -> succeeded
//   failed    from pending, validating_files, queued or running
//   cancelled from pending, validating_files, queued or running
//   nothing leaves succeeded, failed or cancelled.
//
// Staying in the same status is not a move. A forbidden move is HL002 with a DETAIL that
// lists the allowed moves. Entering a final status sets completed_at = now().
// A job whose new status is `succeeded` needs fine_tuned_model_id and one whose new status
// is `failed` needs error_message (23514; "needs" = not NULL and not blank). job_id and
// training_file_id, once set, can't change (HL003).
#pragma once

#include <optional>
#include <string_view>

namespace hitlai::job_status {

enum class Status { kPending, kValidatingFiles, kQueued, kRunning, kSucceeded, kFailed, kCancelled };

// One of the seven D11 names; nullopt for anything else (the CHECK rejects it).
std::optional<Status> parse(std::string_view s);
std::string_view name(Status s);

bool is_final(Status s);
bool move_allowed(Status from, Status to);

// The DETAIL of HL002: every allowed move.
std::string_view allowed_moves();

// Throws hitlai::Error(HL002) naming both statuses when from -> to is not allowed.
void check_move(Status from, Status to);

// Throws hitlai::Error(23514) when the new row lacks what its status needs.
// A value is "present" when it is not NULL and holds a non-blank character.
void check_required(Status to, std::optional<std::string_view> fine_tuned_model_id,
                    std::optional<std::string_view> error_message);

// Throws hitlai::Error(HL003) when an immutable column (job_id, training_file_id) that was
// set (old not NULL) changes, to another value or to NULL.
void check_immutable(std::string_view column, std::optional<std::string_view> old_value,
                     std::optional<std::string_view> new_value);

// Whether an UPDATE from -> to enters a final status (completed_at is then set to now()).
inline bool entering_final(Status from, Status to) { return !is_final(from) && is_final(to); }

}  // namespace hitlai::job_status
