// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Umbrella header: everything of the public API.
#pragma once

#include "bioxen/allocator.hpp"
#include "bioxen/chassis.hpp"
#include "bioxen/config.hpp"
#include "bioxen/config_manager.hpp"
#include "bioxen/error.hpp"
#include "bioxen/error_details.hpp"
#include "bioxen/factory.hpp"
#include "bioxen/fwd.hpp"
#include "bioxen/genetic_code.hpp"
#include "bioxen/genome.hpp"
#include "bioxen/hypervisor.hpp"
#include "bioxen/logger.hpp"
#include "bioxen/metrics.hpp"
#include "bioxen/monitor.hpp"
#include "bioxen/observer.hpp"
#include "bioxen/resource_manager.hpp"
#include "bioxen/scenario.hpp"
#include "bioxen/scheduler.hpp"
#include "bioxen/sweep.hpp"
#include "bioxen/types.hpp"
#include "bioxen/validation.hpp"
#include "bioxen/version.hpp"
#include "bioxen/work_model.hpp"
