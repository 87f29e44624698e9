#include "core/run_status.hpp"

#include <string>

#include "core/error.hpp"

namespace hitlai::run_status {

std::optional<Status> parse(std::string_view s) {
  if (s == "pending") return Status::kPending;
  if (s == "running") return Status::kRunning;
  if (s == "completed") return Status::kCompleted;
  if (s == "failed") return Status::kFailed;
  return std::nullopt;
}

std::string_view name(Status s) {
  switch (s) {
    case Status::kPending: return "pending";
    case Status::kRunning: return "running";
    case Status::kCompleted: return "completed";
    case Status::kFailed: return "failed";
  }
  return "?";
}

bool move_allowed(Status from, Status to) {
  if (from == to) return true;
  switch (from) {
    case Status::kPending:
      return to == Status::kRunning || to == Status::kCompleted || to == Status::kFailed;
    case Status::kRunning:
      return to == Status::kCompleted || to == Status::kFailed;
    case Status::kFailed:
      return to == Status::kPending;
    case Status::kCompleted:
      return false;
  }
  return false;
}

void check_move(Status from, Status to) {
  if (move_allowed(from, to)) return;
  std::string f(name(from)), t(name(to));
  throw Error(sqlstate::kBadStatusMove,
              "test run status cannot change from \"" + f + "\" to \"" + t + "\"",
              "Allowed moves: pending -> running | completed | failed, running -> completed | "
              "failed, failed -> pending.");
}

void immutable_column(std::string_view column) {
  std::string c(column);
  throw Error(sqlstate::kImmutableColumn,
              "column \"" + c + "\" of test_runs cannot be changed",
              "A test run keeps its " + c + " for life.");
}

std::int64_t elapsed_ms(Micros from, Micros to) {
  if (to <= from) return 0;
  return (to - from) / 1000;
}

Timestamps apply(bool entering_completed, bool reopening, Micros now, Micros created_at,
                 const Timestamps& given) {
  if (reopening) return Timestamps{};
  if (!entering_completed) return given;
  Timestamps out;
  out.completed_at = given.completed_at ? *given.completed_at : now;
  out.execution_time_ms = given.execution_time_ms
                              ? *given.execution_time_ms
                              : elapsed_ms(created_at, *out.completed_at);
  return out;
}

}  // namespace hitlai::run_status
