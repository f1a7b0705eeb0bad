// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Umbrella header: everything of the public API.
#pragma once

#include "bioxen/chassis.hpp"
#include "bioxen/error.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/version.hpp"
