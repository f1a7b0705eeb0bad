// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// UTF-8 validity. Every text BioXen accepts must be UTF-8, because every text may reach JSON
// (snapshots, summaries, reports, logs, error details), and JSON text is UTF-8: the loaders
// reject other bytes where they read them, naming the file, line and field; the one place that
// keeps foreign bytes, an exception's message and details, shows them as "\xNN".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bioxen::detail {

/// The offset of the first byte of `text` that does not start a well-formed UTF-8 sequence
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or nullopt when all
/// of `text` is UTF-8. A truncated sequence at the end is reported at its first byte.
constexpr std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto cont = [&](std::size_t k) { return k < n && (byte(k) & 0xC0U) == 0x80U; };
  while (i < n) {
    const unsigned char b = byte(i);
    if (b < 0x80U) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80U;  // bounds of the second byte (RFC 3629 table)
    unsigned char hi = 0xBFU;
    if (b >= 0xC2U && b <= 0xDFU) {
      len = 2;
    } else if (b >= 0xE0U && b <= 0xEFU) {
      len = 3;
      if (b == 0xE0U) lo = 0xA0U;
      if (b == 0xEDU) hi = 0x9FU;  // no surrogates
    } else if (b >= 0xF0U && b <= 0xF4U) {
      len = 4;
      if (b == 0xF0U) lo = 0x90U;
      if (b == 0xF4U) hi = 0x8FU;  // at most U+10FFFF
    } else {
      return i;
    }
    if (i + 1 >= n || byte(i + 1) < lo || byte(i + 1) > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (!cont(i + k)) return i;
    }
    i += len;
  }
  return std::nullopt;
}

constexpr bool is_utf8(std::string_view text) noexcept { return !first_invalid_utf8(text); }

/// `text` with every byte that is not part of well-formed UTF-8 written as "\xNN" (valid text,
/// including non-ASCII, is kept as it is).
inline std::string escape_invalid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto bad = first_invalid_utf8(text);
    if (!bad) {
      out.append(text);
      break;
    }
    out.append(text.substr(0, *bad));
    constexpr char hex[] = "0123456789abcdef";
    const auto b = static_cast<unsigned char>(text[*bad]);
    out += "\\x";
    out.push_back(hex[b >> 4U]);
    out.push_back(hex[b & 0xFU]);
    text.remove_prefix(*bad + 1);
  }
  return out;
}

}  // namespace bioxen::detail
