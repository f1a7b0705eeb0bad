# The built-in genome tables, generated at build time from the TSV files next to this one.
#
#   include(genomes/genomes.cmake)     # from src/CMakeLists.txt
#   bioxen_add_genome_tables(bioxen)   # adds the generated sources to the target
#
# Each table becomes a .cpp file in the build tree that holds the TSV's bytes (see
# cmake/bioxen_embed.cmake); src/genome.cpp parses them on first use. The built-in names and
# their files are listed here and in kBuiltins of src/genome.cpp.
set(_bioxen_genomes_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_bioxen_embed_script "${CMAKE_CURRENT_LIST_DIR}/../../cmake/bioxen_embed.cmake")
cmake_path(NORMAL_PATH _bioxen_embed_script)

function(bioxen_add_genome_tables target)
  # built-in name = TSV file (without .tsv)
  set(tables "syn3a=syn3a" "minimal_cell=mgenitalium_g37" "ecoli=ecoli_k12_mg1655")
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/bioxen_genomes")
  foreach(table IN LISTS tables)
    string(REPLACE "=" ";" pair "${table}")
    list(GET pair 0 builtin)
    list(GET pair 1 file)
    set(input "${_bioxen_genomes_dir}/${file}.tsv")
    set(output "${out_dir}/genome_table_${builtin}.cpp")
    add_custom_command(
      OUTPUT "${output}"
      COMMAND "${CMAKE_COMMAND}" "-DINPUT=${input}" "-DOUTPUT=${output}"
              "-DSYMBOL=genome_table_${builtin}" -P "${_bioxen_embed_script}"
      DEPENDS "${input}" "${_bioxen_embed_script}"
      COMMENT "Embedding genome table ${file}.tsv as '${builtin}'"
      VERBATIM)
    target_sources(${target} PRIVATE "${output}")
  endforeach()
endfunction()
