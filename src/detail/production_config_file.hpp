// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Saving the production configuration, with the interruption point its tests need. Private to
// the project (src/detail is not installed).
#pragma once

#include <filesystem>
#include <functional>

#include "bioxen/config.hpp"
#include "bioxen/export.hpp"

namespace bioxen::detail {

/// What ProductionConfigManager::save_config() does: validates `config` (invalid_configuration
/// naming the file and key), creates the directory (mode 0700) when it is missing and writes
/// the JSON with write_file_atomically() at mode 0600 (io_error). `before_rename` is handed to
/// write_file_atomically(): a test's way to interrupt a save just before the rename.
BIOXEN_API void save_config_file(
    const ProductionConfig& config, const std::filesystem::path& path,
    const std::function<void(const std::filesystem::path&)>& before_rename = {});

}  // namespace bioxen::detail
