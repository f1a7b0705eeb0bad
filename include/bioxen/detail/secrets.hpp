// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Redaction of secrets (XCP-ng passwords and the like) before anything reaches a log line,
// a status record, a JSON document or an exception message.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bioxen::detail {

/// What a secret is replaced with.
inline constexpr std::string_view redacted_text = "***";

/// True for keys whose values are secrets: password, passwd, secret, token, api_key,
/// private_key, credentials (case-insensitive, also as a suffix such as "ssh_password").
inline bool is_secret_key(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  constexpr std::array<std::string_view, 7> needles = {
      "password", "passwd", "secret", "token", "api_key", "private_key", "credentials"};
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return lower.find(n) != std::string::npos; });
}

/// A copy of `j` where the value of every secret key (at any depth) is replaced by "***".
/// Works for nlohmann::json and nlohmann::ordered_json.
template <class Json = nlohmann::json>
Json redact_secrets(Json j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (is_secret_key(it.key())) {
        it.value() = std::string(redacted_text);
      } else {
        it.value() = redact_secrets(std::move(it.value()));
      }
    }
  } else if (j.is_array()) {
    for (auto& e : j) e = redact_secrets(std::move(e));
  }
  return j;
}

}  // namespace bioxen::detail
