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

// The same bytes as json_escape (training_export.hpp), written 8 bytes at a time where
// none of them needs escaping, else with a table lookup per byte: the quoted, escaped
// string; `out` has room for json_escape_bound(s.size()).
char* escape_json_string(std::string_view s, char* out) noexcept;

// A JSON string inside a JSON string, in one walk: writes (no quotes) the bytes that
// escaping s, then escaping that again, gives between the outer and the inner quotes,
// i.e. json_escape(json_escape(s)) == "\"\\\"" + escape_twice(s) + "\\\"\"". Escaping is
// byte by byte, so a compact JSON document escaped as a whole equals its structure bytes
// (all plain) with every quote written as \" and every string's contents written by
// escape_twice. `out` has room for escape_twice_bound(s.size()) bytes; returns the end.
inline constexpr std::size_t escape_twice_bound(std::size_t n) { return 7 * n; }
char* escape_twice(std::string_view s, char* out) noexcept;

// The line's fixed parts around the two contents, each content written escaped without
// its quotes: prefix + user + middle + assistant + suffix is the line.
std::string_view line_prefix() noexcept;  // ... "content": "
std::string_view line_middle() noexcept;  // "}, {"role": "assistant", "content": "
std::string_view line_suffix() noexcept;  // "}]}

}  // namespace hitlai::training
