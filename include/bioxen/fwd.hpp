// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// Forward declarations of the public types, for headers that only name them.
#pragma once

#include <cstdint>
#include <memory>

namespace bioxen {

enum class BioXenErrorCode : int;
class BioXenException;

enum class ChassisType;
struct ChassisProfile;

enum class GeneType;
struct Gene;
class GenomeTemplate;
struct ResidentSet;
using GenomePtr = std::shared_ptr<const GenomeTemplate>;

enum class SchedulerPolicy : std::uint8_t;
struct ProductionConfig;

enum class VMState : std::uint8_t;
struct ResourceAllocation;
struct SystemResources;
struct VmStatus;
struct ProteinCount;

class ResourceAllocator;
class RunQueue;
class SchedulingPolicy;
struct QuantumPlan;

class HypervisorObserver;
struct OperationEvent;
struct QuantumEvent;

class BioXenHypervisor;

struct LatencyStats;
struct ResourceUtilization;
struct VmServiceShare;
struct SchedulingSnapshot;
struct MonitorSample;
struct QuantumTotals;
struct PerformanceSummary;
class PerformanceMetrics;
struct MonitorOptions;
class ProductionMonitor;

struct XcpngConfig;
class BiologicalVM;
class BioResourceManager;
class ConfigManager;
class ProductionConfigManager;
enum class LogFormat;
struct LoggerOptions;
class ProductionLogger;

}  // namespace bioxen
