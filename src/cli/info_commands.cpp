// BioXen — biological hypervisor simulator.
// SPDX-License-Identifier: MIT
//
// `bioxen types` and `bioxen genome info FILE`: what the library knows, as tables or JSON.
#include <fmt/core.h>
#include <fmt/format.h>
#include <bioxen/chassis.hpp>
#include <bioxen/config.hpp>
#include <bioxen/config_manager.hpp>
#include <bioxen/factory.hpp>
#include <bioxen/genome.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "table.hpp"

namespace bioxen::cli {

namespace {

std::string_view vm_type_description(std::string_view vm_type) {
  if (vm_type == "basic") return "a VM on this process's hypervisor (fully implemented)";
  if (vm_type == "xcpng") {
    return "XCP-ng remote VM: needs xcpng_config; start() is unsupported in this release";
  }
  return "";
}

std::string organelles(const ChassisProfile& p) {
  std::vector<std::string> out;
  if (p.has_nucleus) out.emplace_back("nucleus");
  if (p.has_mitochondria) out.emplace_back("mitochondria");
  if (p.has_er) out.emplace_back("ER");
  return out.empty() ? "none" : fmt::format("{}", fmt::join(out, ", "));
}

int types_command(bool json) {
  const ProductionConfig defaults;
  const auto bio_types = get_supported_biological_types();
  const auto vm_types = get_supported_vm_types();

  nlohmann::json bio_json = nlohmann::json::array();
  Table bio{"Biological types (create_bio_vm, scenario \"type\")",
            {{"type"},
             {"organism"},
             {"genes", Align::right},
             {"CDS", Align::right},
             {"genome kb", Align::right},
             {"memory kb", Align::right},
             {"max ribosomes", Align::right},
             {"max ATP", Align::right}}};
  for (const auto& type : bio_types) {
    const GenomePtr g = builtin_genome(type);
    const nlohmann::json d = ConfigManager::load_defaults(type, defaults);
    const auto& limits = d.value("resource_limits", nlohmann::json::object());
    bio.add_row(
        {type, g->organism(), format_count(static_cast<std::uint64_t>(g->genes().size())),
         format_count(static_cast<std::uint64_t>(g->cds_count())), format_count(g->size_kb()),
         d.contains("memory_kb") ? format_count(d["memory_kb"].get<std::uint64_t>()) : "",
         limits.contains("max_ribosomes") ? limits["max_ribosomes"].dump() : "",
         limits.contains("max_atp") ? format_percent(limits["max_atp"].get<double>()) : ""});
    bio_json.push_back({{"type", type}, {"genome", *g}, {"defaults", d}});
  }

  nlohmann::json vm_json = nlohmann::json::array();
  Table vms{"VM types", {{"vm type"}, {"description"}}};
  for (const auto& t : vm_types) {
    vms.add_row({t, std::string(vm_type_description(t))});
    vm_json.push_back({{"vm_type", t}, {"description", vm_type_description(t)}});
  }

  nlohmann::json chassis_json = nlohmann::json::array();
  Table chassis{"Chassis (hosts)",
                {{"chassis"},
                 {"name"},
                 {"ribosomes", Align::right},
                 {"units", Align::right},
                 {"VMs", Align::right},
                 {"aa/s", Align::right},
                 {"ATP/s", Align::right},
                 {"doubling", Align::right},
                 {"codes"},
                 {"translation"},
                 {"organelles"}}};
  for (const auto type : all_chassis_types) {
    const ChassisProfile& p = chassis_profile(type);
    chassis.add_row(
        {std::string(to_string(type)), p.name, format_count(p.physical_ribosomes),
         format_count(std::uint64_t{p.ribosome_units}), std::to_string(p.recommended_max_vms),
         fmt::format("{:g}", p.elongation_rate_aa_per_s), format_si(p.atp_supply_per_s),
         fmt::format("{:g} min", p.doubling_time_min),
         fmt::format("{}", fmt::join(p.genetic_codes, ",")),
         type == ChassisType::orthogonal ? "o-ribosome pool" : "shared ribosomes", organelles(p)});
    chassis_json.push_back(
        {{"chassis", to_string(type)},
         {"profile", p},
         {"genetic_codes", p.genetic_codes},
         {"translation_isolation", type == ChassisType::orthogonal ? "orthogonal" : "shared"}});
  }

  // The isolation mechanisms a hypervisor's configuration chooses (docs/MODEL.md 6.5).
  struct Mechanism {
    std::string_view key, choices, fallback, cost;
  };
  const Mechanism mechanisms[] = {
      {"pause_mechanism", "freeze | repress", to_string(defaults.pause_mechanism),
       "repress: messages decay (38 s half-life), chains run off; the sRNA takes host RNAP"},
      {"destroy_mechanism", "release | degrade", to_string(defaults.destroy_mechanism),
       "degrade: 11-aa ssrA tag on every protein; chains run off, protein decays (40 min)"},
      {"transcription_isolation", "host_rnap | orthogonal_rnap",
       to_string(defaults.transcription_isolation),
       "orthogonal_rnap: T7 RNAP (230 nt/s) spares the host's, costs 883 aa each"},
      {"orthogonal_pool", "fixed | dynamic", to_string(defaults.orthogonal_pool),
       "orthogonal chassis: the o-pool takes host ribosomes; dynamic follows demand"}};
  Table isolation{"Isolation mechanisms (configuration)",
                  {{"field"}, {"choices"}, {"default"}, {"cost to the host"}}};
  nlohmann::json isolation_json = nlohmann::json::array();
  for (const Mechanism& m : mechanisms) {
    isolation.add_row(
        {std::string(m.key), std::string(m.choices), std::string(m.fallback), std::string(m.cost)});
    isolation_json.push_back(
        {{"field", m.key}, {"choices", m.choices}, {"default", m.fallback}, {"cost", m.cost}});
  }

  nlohmann::json policy_json = nlohmann::json::array();
  Table policies{"Scheduler policies (config scheduler_policy, scenario \"policy\")",
                 {{"policy"}, {"description"}}};
  for (const SchedulerPolicyInfo& p : scheduler_policy_registry) {
    policies.add_row({std::string(p.name), std::string(p.description)});
    policy_json.push_back({{"policy", p.name}, {"description", p.description}});
  }

  if (json) {
    print_json({{"biological_types", bio_json},
                {"vm_types", vm_json},
                {"chassis", chassis_json},
                {"isolation", isolation_json},
                {"scheduler_policies", policy_json}});
    return exit_ok;
  }
  bio.print(stdout);
  fmt::print("\n");
  vms.print(stdout);
  fmt::print("\n");
  chassis.print(stdout);
  fmt::print("\n");
  isolation.print(stdout);
  fmt::print("\n");
  policies.print(stdout);
  return exit_ok;
}

/// A genome file, or a built-in genome's name when no such file exists.
GenomePtr genome_argument(const std::string& arg) {
  std::error_code ec;
  if (!std::filesystem::exists(arg, ec)) {
    const auto names = builtin_genome_names();
    if (std::find(names.begin(), names.end(), arg) != names.end()) return builtin_genome(arg);
    throw CommandError(
        exit_invalid_input, BioXenErrorCode::io_error,
        fmt::format("{}: no such file (nor a built-in genome: {})", arg, fmt::join(names, ", ")),
        {{"file", arg}});
  }
  return load_genome_file(arg);
}

struct GenomeOptions {
  std::string file;
  std::int64_t memory_kb = 0;  ///< 0: the default max_memory_kb
  bool json = false;
};

int genome_info(const GenomeOptions& o) {
  const GenomePtr g = genome_argument(o.file);
  const ProductionConfig defaults;
  const auto memory_kb = static_cast<std::uint64_t>(
      o.memory_kb > 0 ? o.memory_kb
                      : std::min<std::int64_t>(defaults.max_memory_kb,
                                               static_cast<std::int64_t>(g->size_kb())));
  const ResidentSetPtr resident = resident_set(g, memory_kb);

  // The genetic code: how each chassis reads it, and the proteins another code changes.
  nlohmann::json hosts = nlohmann::json::array();
  Table code{fmt::format("Genetic code: translation table {} ({})", g->translation_table(),
                         translation_table_name(g->translation_table())),
             {{"chassis"},
              {"reads"},
              {"verdict"},
              {"proteins changed", Align::right},
              {"aa made, one copy each", Align::right}}};
  for (const ChassisType type : all_chassis_types) {
    const ChassisProfile& p = chassis_profile(type);
    const GeneticCodeCheck c = check_genetic_code(*g, p.genetic_codes);
    const std::string verdict = c.compatible               ? "runs"
                                : !c.lengths_known         ? "refused (other-code lengths unknown)"
                                : c.truncated_proteins > 0 ? "refused: truncated"
                                                           : "refused: extended";
    code.add_row({std::string(to_string(type)), fmt::format("{}", fmt::join(p.genetic_codes, ",")),
                  verdict, format_count(static_cast<std::uint64_t>(c.affected_proteins())),
                  c.lengths_known
                      ? fmt::format("{} of {}", format_count(c.host_aa), format_count(c.native_aa))
                      : std::string("unknown")});
    hosts.push_back({{"chassis", to_string(type)},
                     {"genetic_codes", p.genetic_codes},
                     {"compatible", c.compatible},
                     {"lengths_known", c.lengths_known},
                     {"truncated_proteins", c.truncated_proteins},
                     {"extended_proteins", c.extended_proteins},
                     {"host_aa", c.host_aa},
                     {"native_aa", c.native_aa}});
  }
  nlohmann::json changed = nlohmann::json::array();
  for (const Gene& gene : g->genes()) {
    if (!gene.other_code_length_aa) continue;
    changed.push_back({{"locus_tag", gene.locus_tag},
                       {"name", gene.name},
                       {"length_aa", gene.protein_length_aa},
                       {"other_code_length_aa", *gene.other_code_length_aa}});
  }

  if (o.json) {
    print_json({{"file", o.file},
                {"genome", *g},
                {"resident", *resident},
                {"genetic_code",
                 {{"translation_table", g->translation_table()},
                  {"name", translation_table_name(g->translation_table())},
                  {"other_code_lengths", g->genetic_code().other_code_lengths},
                  {"chassis", hosts},
                  {"changed_by_other_code", changed}}}});
    return exit_ok;
  }
  Table t{fmt::format("Genome {}", o.file), {{"property"}, {"value", Align::right}}};
  t.add_row({"name", g->name()});
  t.add_row({"organism", g->organism()});
  t.add_row({"accession", g->accession()});
  t.add_row({"length", fmt::format("{} bp", format_count(g->genome_length_bp()))});
  t.add_row({"size", fmt::format("{} kb", format_count(g->size_kb()))});
  t.add_row({"genes", format_count(static_cast<std::uint64_t>(g->genes().size()))});
  for (const GeneType type : all_gene_types) {
    t.add_row({fmt::format("  {}", to_string(type)),
               format_count(static_cast<std::uint64_t>(g->count(type)))});
  }
  t.add_row({"essential genes", g->has_essential_annotation()
                                    ? format_count(static_cast<std::uint64_t>(g->essential_count()))
                                    : "not annotated"});
  t.add_row({"protein (one copy each)", fmt::format("{} aa", format_count(g->total_protein_aa()))});
  t.print(stdout);

  fmt::print("\n");
  Table r{fmt::format("Resident in {} kb of VM memory", format_count(memory_kb)),
          {{"property"}, {"value", Align::right}}};
  r.add_row(
      {"resident genes",
       fmt::format("{} of {}", format_count(static_cast<std::uint64_t>(resident->genes.size())),
                   format_count(static_cast<std::uint64_t>(g->genes().size())))});
  r.add_row(
      {"resident proteins (CDS)", format_count(static_cast<std::uint64_t>(resident->cds.size()))});
  r.add_row({"resident bp", format_count(resident->resident_bp)});
  r.add_row({"boot proteins", format_count(static_cast<std::uint64_t>(resident->boot_proteins))});
  r.add_row({"boot protein length", fmt::format("{} aa", format_count(resident->boot_aa))});
  r.add_row({"proteome cycle", fmt::format("{} aa", format_count(resident->cycle_aa()))});
  r.print(stdout);

  fmt::print("\n");
  code.print(stdout);
  if (!g->genetic_code().other_code_lengths) {
    fmt::print("(the file gives no other_code_length_aa: another code's proteins are unknown)\n");
  } else if (!changed.empty()) {
    const bool truncates = !reads_uga_as_stop(g->translation_table());
    Table list{fmt::format("Proteins a host reading UGA as {} would {} ({} of {} CDS; first 10, "
                           "--json lists all)",
                           truncates ? "stop" : "Trp", truncates ? "truncate" : "extend",
                           format_count(static_cast<std::uint64_t>(changed.size())),
                           format_count(static_cast<std::uint64_t>(g->cds_count()))),
               {{"locus tag"}, {"gene"}, {"length", Align::right}, {"made", Align::right}}};
    for (std::size_t i = 0; i < changed.size() && i < 10; ++i) {
      list.add_row({changed[i]["locus_tag"].get<std::string>(),
                    changed[i]["name"].get<std::string>(),
                    fmt::format("{} aa", changed[i]["length_aa"].get<std::uint32_t>()),
                    fmt::format("{} aa", changed[i]["other_code_length_aa"].get<std::uint32_t>())});
    }
    fmt::print("\n");
    list.print(stdout);
  }

  if (!g->source().empty()) {
    fmt::print("\nSource:\n");
    std::string_view src = g->source();
    while (!src.empty()) {
      const auto nl = src.find('\n');
      fmt::print("  {}\n", src.substr(0, nl));
      if (nl == std::string_view::npos) break;
      src.remove_prefix(nl + 1);
    }
  }
  return exit_ok;
}

}  // namespace

void add_types_command(CLI::App& app, Action& action) {
  auto json = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("types",
                                 "List biological types, VM types, chassis and scheduler policies");
  sub->add_flag("--json", *json, "Print JSON on stdout");
  sub->callback([json, &action] {
    action = [json] { return guarded(*json, [&] { return types_command(*json); }); };
  });
}

void add_genome_command(CLI::App& app, Action& action) {
  auto* genome = app.add_subcommand("genome", "Inspect genome files");
  genome->require_subcommand(1);
  auto opts = std::make_shared<GenomeOptions>();
  auto* info = genome->add_subcommand(
      "info", "Summarise a genome file (.genome, .tsv, .gff/.gff3) or a built-in genome");
  info->add_option("FILE", opts->file,
                   fmt::format("Genome file, or a built-in name: {}",
                               fmt::join(builtin_genome_names(), ", ")))
      ->required();
  info->add_option("--memory-kb", opts->memory_kb,
                   "VM memory for the resident-set summary (default: min(genome size, 1024))")
      ->check(whole_number_in(1, 1'000'000'000'000ULL));  // a scenario's memory_kb bound
  info->add_flag("--json", opts->json, "Print JSON on stdout");
  info->callback([opts, &action] {
    action = [opts] { return guarded(opts->json, [&] { return genome_info(*opts); }); };
  });
}

}  // namespace bioxen::cli
