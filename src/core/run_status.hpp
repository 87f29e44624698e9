// T4: the test run status machine and the timestamps it maintains (pure C++).
//
// Allowed moves: pending -> running | completed | failed, running -> completed | failed,
// failed -> pending. Staying in the same status is not a move. Anything else is HL002.
// On entering `completed`: completed_at = coalesce(NEW.completed_at, now()) and
// execution_time_ms = coalesce(NEW.execution_time_ms, whole milliseconds from created_at
// to completed_at, never below 0). failed -> pending clears both.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace hitlai::run_status {

enum class Status { kPending, kRunning, kCompleted, kFailed };

// Parses one of the four D13 names; nullopt for anything else (the CHECK rejects it).
std::optional<Status> parse(std::string_view s);
std::string_view name(Status s);

bool move_allowed(Status from, Status to);

// Throws hitlai::Error(HL002) naming both statuses when from -> to is not allowed.
void check_move(Status from, Status to);

// Throws hitlai::Error(HL003) naming the column.
[[noreturn]] void immutable_column(std::string_view column);

// Microseconds since the PostgreSQL epoch (TimestampTz).
using Micros = std::int64_t;

struct Timestamps {
  std::optional<Micros> completed_at;
  std::optional<std::int64_t> execution_time_ms;
};

// What the row's completed_at / execution_time_ms become. `entering_completed` is true
// for an INSERT of a completed run and for an UPDATE into `completed`; `reopening` for
// failed -> pending. Otherwise `given` is returned unchanged.
Timestamps apply(bool entering_completed, bool reopening, Micros now, Micros created_at,
                 const Timestamps& given);

// Whole milliseconds from `from` to `to`, truncated, 0 if `to` is before `from`.
std::int64_t elapsed_ms(Micros from, Micros to);

}  // namespace hitlai::run_status
