// F1/F2: the rules of the fine-tuning export (pure C++): the system prompt, the stable
// train/validation split, argument checks, and JSON string escaping for the lines.
//
// Each line is {"messages": [{"role": "system", "content": kSystemPrompt},
//                            {"role": "user", "content": <input_data, compact JSON>},
//                            {"role": "assistant", "content": <output_data, compact JSON>}]}
//
// The split: bucket = splitmix64_finalizer(FNV-1a-64(the 16 bytes of test_run_id, in uuid
// order)) mod 100; a row is `validation` when bucket < validation_percent, else `train`.
// Plain integer arithmetic on bytes: the same on every machine, compiler and
// PostgreSQL version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hitlai::training {

// The system message of every line (docs/training.md and the COMMENT of
// hitlai.training_examples quote it). Changing it changes every exported line.
inline constexpr std::string_view kSystemPrompt =
    "You are HitlAI, a usability tester of web and mobile apps. The user message is a "
    "test as JSON: url, mission, persona and platform. Test the app as that persona would "
    "and answer with the report as JSON: sentiment_score (0 to 1), issues (title and "
    "severity, most severe first), recommendations and positives.";

enum class Split { kTrain, kValidation };
std::string_view split_name(Split s);

// The `split` argument: NULL = no filter; "train" or "validation"; anything else throws
// hitlai::Error(22023) naming the argument.
std::optional<Split> parse_split_filter(std::optional<std::string_view> split);

// The `validation_percent` argument: 0..50, else (NULL included) hitlai::Error(22023)
// naming the argument.
int check_validation_percent(std::optional<std::int64_t> percent);

// FNV-1a 64-bit over bytes, then the splitmix64 finalizer.
std::uint64_t stable_hash(const unsigned char* bytes, std::size_t n);
// 0..99 for a uuid's 16 bytes.
int split_bucket(const unsigned char uuid[16]);
Split split_of(const unsigned char uuid[16], int validation_percent);

// The duplicate key of F1: a 64-bit hash of the stored bytes of both documents (length
// separated), stable across machines, compilers and PostgreSQL versions (it is the key
// of an index). Per 64-bit little-endian word w: h = ((h ^ w) * 0x9e3779b97f4a7c15),
// h ^= h >> 29; the tail is one zero-padded word; each document's length is absorbed
// after it; the splitmix64 finalizer ends it. Equal documents give equal keys; F1
// checks real equality of the documents behind equal keys.
std::uint64_t doc_digest(const unsigned char* a, std::size_t na, const unsigned char* b,
                         std::size_t nb);

// JSON string escaping, as PostgreSQL's jsonb output does it: '"' and '\\' escaped,
// \b \f \n \r \t, other control characters as \u00XX, everything else (UTF-8 included)
// as is. Writes the quoted string to `out` (at least json_escape_bound(s.size()) bytes)
// and returns the end.
inline constexpr std::size_t json_escape_bound(std::size_t n) { return 6 * n + 2; }
char* json_escape(std::string_view s, char* out) noexcept;

// At least this many examples make a job (F2).
inline constexpr int kMinJobExamples = 10;

}  // namespace hitlai::training
