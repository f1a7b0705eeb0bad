# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Genomes, genes, file loaders, genetic codes, chassis profiles and the growth-condition
table."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

import bioxen

from conftest import DATA, EXAMPLES


def test_builtin_genomes():
    names = bioxen.builtin_genome_names()
    assert names == ["syn3a", "minimal_cell", "ecoli", "syn3a_recoded", "minimal_cell_recoded",
                     "ecoli_recoded"]
    g = bioxen.builtin_genome("syn3a")
    assert isinstance(g, bioxen.Genome)
    assert (g.name, g.organism, g.accession) == ("syn3a", "JCVI-syn3A", "CP016816.2")
    assert g.genome_length_bp == 543379 and g.size_kb == 544 and len(g) == 496
    assert g.cds_count == 455 == g.count(bioxen.GeneType.CDS)
    assert g.total_protein_aa == 158828
    assert g.translation_table == 4
    assert g.other_code_proteins == 343 and g.other_code_protein_aa == 57282
    assert g.has_essential_annotation is False and g.essential_count == 0
    assert "CP016816.2" in g.source
    assert repr(g) == "Genome('syn3a', 496 genes, 543379 bp, table 4)"
    d = g.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["gene_counts"]["CDS"] == 455 and d["genes"] == 496
    with pytest.raises(bioxen.BioXenException):
        bioxen.builtin_genome("no-such-genome")


def test_genes():
    genes = bioxen.builtin_genome("syn3a").genes
    assert len(genes) == 496
    g = genes[0]
    assert isinstance(g, bioxen.Gene)
    assert (g.locus_tag, g.name, g.type, g.start, g.end, g.strand) == (
        "JCVISYN3A_0001", "dnaA", bioxen.GeneType.CDS, 1, 1353, "+")
    assert g.product == "Chromosomal replication initiator protein"
    assert g.length_bp == 1353 and g.protein_length_aa == 450
    assert g.essential is None and g.other_code_length_aa == 325
    d = g.to_dict()
    assert d["type"] == "CDS" and json.loads(json.dumps(d)) == d
    assert repr(g).startswith("Gene(end=1353, essential=None, ")
    for other in (copy.copy(g), copy.deepcopy(g), pickle.loads(pickle.dumps(g))):
        assert other == g
    assert genes[1] != g


def test_parsers_and_loaders():
    tiny = DATA / "genomes"
    g = bioxen.parse_bioxen_genome((tiny / "tiny.genome").read_text(), "tiny.genome")
    assert len(g) == 5 and g.genome_length_bp == 20000 and g.translation_table == 11
    assert g.has_essential_annotation and g.essential_count == 3
    t = bioxen.parse_genome_tsv((tiny / "tiny.tsv").read_text())
    assert len(t) == 8
    f = bioxen.parse_gff3((tiny / "tiny.gff3").read_text(), "tiny.gff3")
    assert len(f) == 9
    for path in (tiny / "tiny.genome", tiny / "tiny.tsv", tiny / "tiny.gff3",
                 EXAMPLES / "genomes" / "syn3a_first20.genome"):
        loaded = bioxen.load_genome_file(path)
        assert len(loaded) > 0 and loaded.genome_length_bp > 0
    assert len(bioxen.load_genome_file(str(tiny / "tiny.gff3"))) == 9
    with pytest.raises(bioxen.GenomeParseError):
        bioxen.parse_gff3("##gff-version 3\nchr\tx\tCDS\tnot-a-number\n")
    with pytest.raises(bioxen.GenomeParseError):
        bioxen.parse_genome_tsv("not\ta\tgenome\n")


def test_genetic_codes():
    assert bioxen.supported_translation_tables == [1, 4, 11]
    assert bioxen.default_translation_table == 11
    assert bioxen.translation_table_name(11).startswith("Bacterial")
    assert bioxen.reads_uga_as_stop(11) is True and bioxen.reads_uga_as_stop(4) is False
    assert bioxen.same_protein_reading(4, 11) is False
    assert bioxen.same_protein_reading(1, 11) is True
    syn3a = bioxen.builtin_genome("syn3a")
    c = bioxen.check_genetic_code(syn3a, [11])
    assert isinstance(c, bioxen.GeneticCodeCheck)
    assert (c.guest_table, c.host_table, c.compatible, c.lengths_known) == (4, 11, False, True)
    assert c.truncated_proteins == 343 and c.extended_proteins == 0
    assert c.affected_proteins() == 343
    assert c.native_aa == 158828 and c.host_aa == 57282
    assert json.loads(json.dumps(c.to_dict())) == c.to_dict()
    assert repr(c).startswith("GeneticCodeCheck(compatible=False, ")
    ok = bioxen.check_genetic_code(syn3a, [4])
    assert ok.compatible is True and ok.affected_proteins() == 0 and ok != c
    assert ok == bioxen.check_genetic_code(syn3a, [4])
    recoded = bioxen.recoded_genome(syn3a, 11)
    assert recoded.name == "syn3a_recoded" and recoded.translation_table == 11
    assert bioxen.check_genetic_code(recoded, [11]).compatible
    r = bioxen.resident_set(syn3a, 100)
    assert r["memory_kb"] == 100 and r["resident_bp"] <= 100 * 1000
    assert r["total_genes"] == 496 and r["reading_table"] == 4
    assert bioxen.resident_set(syn3a, 100, 11)["truncated_proteins"] >= 0


def test_chassis():
    assert list(bioxen.ChassisType.__members__) == ["ecoli", "yeast", "syn3a", "orthogonal"]
    p = bioxen.chassis_profile(bioxen.ChassisType.ecoli)
    assert isinstance(p, bioxen.ChassisProfile)
    assert p.name == "E. coli K-12 MG1655" and p.ribosome_units == 80
    assert p.doubling_time_min == 40.0 and p.growth_law_phi_c == 0.377
    assert p.max_initiation_rate_per_mrna_per_s() > 0
    assert p.reference_growth_rate_per_h() == pytest.approx(1.0458, abs=1e-4)
    d = p.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert "name" in dir(p) and repr(p).startswith("ChassisProfile(")
    assert bioxen.ChassisProfile.from_dict(d) == p
    assert pickle.loads(pickle.dumps(p)) == p and copy.deepcopy(p) == p
    q = copy.copy(p)
    q.genome_space_kb = 1000
    assert q.genome_space_kb == 1000 and p.genome_space_kb == 4642
    with pytest.raises(AttributeError):
        q.no_such_field = 1
    with pytest.raises(TypeError):
        bioxen.ChassisProfile(no_such_field=1)
    bioxen.validate_chassis_profile(p)
    slow = bioxen.chassis_profile(bioxen.ChassisType.ecoli, 60.0)
    assert slow.physical_ribosomes < p.physical_ribosomes
    import math
    assert 60.0 * math.log(2.0) / slow.reference_growth_rate_per_h() == pytest.approx(58.08,
                                                                                      abs=0.01)
    mid = bioxen.chassis_profile("ecoli", 48.0)
    assert mid.elongation_rate_aa_per_s == pytest.approx(17.0)
    assert mid.transcription_rate_nt_per_s == pytest.approx(47.5)
    custom = bioxen.chassis_profile_from_json({"base": "ecoli", "name": "mine",
                                               "genome_space_kb": 2000})
    assert custom.name == "mine" and custom.genome_space_kb == 2000
    yeast = bioxen.chassis_profile(bioxen.ChassisType.yeast)
    assert yeast.has_nucleus is True


def test_load_chassis_profile(tmp_path):
    f = tmp_path / "chassis.json"
    f.write_text(json.dumps({"base": "ecoli", "name": "from file", "ribosome_units": 40}))
    p = bioxen.load_chassis_profile(f)
    assert p.name == "from file" and p.ribosome_units == 40
    with pytest.raises(bioxen.BioXenIOError):
        bioxen.load_chassis_profile(tmp_path / "missing.json")


def test_bremer_dennis_rows():
    rows = bioxen.bremer_dennis_rows()
    assert [r["doubling_time_min"] for r in rows] == sorted(
        (r["doubling_time_min"] for r in rows), reverse=True)
    assert rows[0]["doubling_time_min"] == 100.0 and rows[-1]["doubling_time_min"] == 24.0
    for r in rows:
        p = bioxen.chassis_profile(bioxen.ChassisType.ecoli, r["doubling_time_min"])
        assert p.elongation_rate_aa_per_s == r["elongation_aa_per_s"]
        assert p.transcription_rate_nt_per_s == r["rnap_elongation_nt_per_s"]
        assert p.active_rnap_fraction == r["active_rnap_fraction"]
        assert set(r) == {"doubling_time_min", "elongation_aa_per_s", "rnap_elongation_nt_per_s",
                          "rnap_per_cell", "active_rnap_fraction", "rprotein_fraction",
                          "active_ribosome_fraction", "dry_mass_fg", "protein_mass_fraction"}
