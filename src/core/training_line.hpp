// F1: one line of the JSONL fine-tuning file written directly as text (pure C++).
//
// The bytes are exactly those PostgreSQL's jsonb output gives for the line that
// hitlai.training_examples returns as jsonb:
//
//   {"messages": [{"role": "system", "content": <kSystemPrompt>},
//    {"role": "user", "content": <input_data, compact JSON>},
//    {"role": "assistant", "content": <output_data, compact JSON>}]}
//
// on one line, with ", " and ": " between items as jsonb's output writes them (and "role"
// before "content": jsonb orders keys by length, then bytes). Every content string is
// escaped by json_escape (src/core/training_export.hpp), the escaping of jsonb's output.
// So hitlai.training_jsonl(...) gives, byte for byte, example::text of
// hitlai.training_examples(...).
#pragma once

#include <cstddef>
#include <string_view>

namespace hitlai::training {

// The same bytes as json_escape (training_export.hpp), written with a table lookup per
// byte: the quoted, escaped string; `out` has room for json_escape_bound(s.size()).
char* escape_json_string(std::string_view s, char* out) noexcept;

// Upper bound of the bytes write_line writes for contents of these lengths.
std::size_t line_bound(std::size_t user_len, std::size_t assistant_len) noexcept;

// Writes the line (no newline, no terminating NUL) to `out`, which has room for
// line_bound(user.size(), assistant.size()) bytes; returns the end.
char* write_line(std::string_view user, std::string_view assistant, char* out) noexcept;

}  // namespace hitlai::training
