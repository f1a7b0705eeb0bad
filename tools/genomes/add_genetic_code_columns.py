#!/usr/bin/env python3
"""Add an `other_code_length_aa` column to a BioXen genome table (src/genomes/*.tsv).

For every CDS the column gives the protein length a host using the *other* genetic code
would make (NCBI translation tables 4 and 11 differ only in UGA):

  * own table 4 (UGA = Trp; Mycoplasma/Spiroplasma): a UGA-as-stop host stops at the first
    in-frame TGA before the annotated stop. The value is the number of amino acids made
    before it (the start codon is amino acid 1); empty when the CDS has no in-frame TGA.
  * own table 11 (UGA = stop): when the CDS ends in TGA, a UGA-as-Trp host reads through:
    protein_length_aa + 1 (Trp at the UGA) + the codons read after it, in frame on the same
    strand (the genome is circular), up to the next TAA or TAG (not counted). Empty when the
    CDS ends in TAA or TAG. Internal TGA codons (selenocysteine genes) do not change the rule.

Rows that are not CDS (including pseudogenes) get an empty value. A CDS whose length_bp is
not 3 * (protein_length_aa + 1) (programmed frameshift, annotated on one span) is read in
the frame of its annotated 3' end: for table 11 that is the frame of the terminal stop, so
the read-through is computed there; for table 4 the in-frame TGA cannot be located without
knowing where the frame shifts, so the value is left empty. Either way a `#` line before
the header names the gene and says what was done; such lines are also written for plain CDS
with an internal in-frame TGA (table 11) and for ribosomal-slippage products the GenBank
record gives beside a row's CDS (E. coli dnaX gamma, CopZ), which are not rows.

The script also checks the sequence against the table and fails (exit status 1) when:
the sequence length differs from `# genome_length_bp`; the record's accession is not named
in `# accession:`; a GenBank /transl_table differs from --table; a CDS does not end in a stop
codon of its own table; a CDS's /translation in a GenBank file differs from the own-table
translation of the sequence (a U is accepted on an in-frame TGA; a join() CDS is compared on
its joined spans; a record CDS with the same stop but another start must agree on the common
C-terminal part).
It reports (without failing) CDS whose start codon is not ATG/GTG/TTG/ATT/CTG/ATA/ATC and
CDS with an in-frame stop codon of the own table before the annotated stop.

Standard library only; deterministic; re-runnable (an earlier run's additions are removed
before they are computed again, so running it on its own output gives the same file).

Usage:
  add_genetic_code_columns.py TSV SEQUENCE --table {4,11} --sequence-source TEXT
                              [--in-place | -o OUT]
SEQUENCE is a GenBank flat file (sequence from ORIGIN) or a FASTA file, optionally gzipped.
The check report goes to standard error.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import sys
from dataclasses import dataclass, field

COLUMN = "other_code_length_aa"
TOOL = "tools/genomes/add_genetic_code_columns.py"
NOTE_PREFIX = f"# {COLUMN}: "
ALLOWED_STARTS = ("ATG", "GTG", "TTG", "ATT", "CTG", "ATA", "ATC")

_BASES = "TCAG"
_STANDARD_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
STANDARD_CODE = {
    a + b + c: _STANDARD_AA[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
CODES = {11: dict(STANDARD_CODE), 4: dict(STANDARD_CODE, TGA="W")}
STOPS = {t: frozenset(c for c, aa in code.items() if aa == "*") for t, code in CODES.items()}
_COMPLEMENT = str.maketrans("ACGTRYKMBVDHNacgtrykmbvdhn", "TGCAYRMKVBHDNtgcayrmkvbhdn")


class CheckFailed(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Sequence files


@dataclass
class Feature:
    locus_tag: str
    location: str
    translation: str | None
    transl_table: int | None
    transl_except: list[str]
    special: list[str]  # qualifiers that make a plain translation differ: ribosomal_slippage, ...
    product: str = ""


@dataclass
class SequenceRecord:
    ids: list[str]
    sequence: str
    declared_length: int | None = None
    features: dict[str, list[Feature]] = field(default_factory=dict)
    kind: str = ""


def _open_text(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("ascii", errors="strict")


def _parse_genbank_features(lines: list[str]) -> dict[str, list[Feature]]:
    """CDS features of a GenBank FEATURES table, by locus_tag, in file order."""
    features: dict[str, list[Feature]] = {}
    current: dict | None = None
    qualifier: str | None = None

    def finish():
        if current is None or current["key"] != "CDS":
            return
        q = current["qualifiers"]
        tag = q.get("locus_tag", [None])[0]
        if tag is None:
            return
        translation = q.get("translation", [None])[0]
        table = q.get("transl_table", [None])[0]
        features.setdefault(tag, []).append(Feature(
            locus_tag=tag,
            location=current["location"],
            translation=translation.replace(" ", "") if translation else None,
            transl_table=int(table) if table else None,
            transl_except=q.get("transl_except", []),
            special=[k for k in ("ribosomal_slippage", "pseudo", "exception", "artificial_location")
                     if k in q],
            product=q.get("product", [""])[0],
        ))

    for line in lines:
        if len(line) > 5 and line[:5] == "     " and line[5] != " ":
            finish()
            key, _, loc = line[5:].partition(" ")
            current = {"key": key.strip(), "location": loc.strip(), "qualifiers": {}}
            qualifier = None
        elif current is not None and line.startswith(" " * 21):
            text = line[21:].rstrip()
            if text.startswith("/"):
                name, eq, value = text[1:].partition("=")
                qualifier = name
                current["qualifiers"].setdefault(name, []).append(value.strip('"') if eq else "")
                current["open_quote"] = eq and value.startswith('"') and not (
                    len(value) > 1 and value.endswith('"'))
            elif qualifier is not None:
                values = current["qualifiers"][qualifier]
                if current.get("open_quote"):
                    if text.endswith('"'):
                        current["open_quote"] = False
                        text = text[:-1]
                    values[-1] += text
                elif values[-1] == "" or qualifier != "translation":
                    values[-1] += text
            else:
                current["location"] += text.strip()
    finish()
    return features


def read_sequence(path: str) -> SequenceRecord:
    text = _open_text(path)
    lines = text.splitlines()
    first = next((l for l in lines if l.strip()), "")
    if first.startswith("LOCUS"):
        n_records = sum(1 for l in lines if l.startswith("LOCUS"))
        if n_records != 1:
            raise CheckFailed(f"{path}: {n_records} GenBank records; expected one")
        ids, declared = [], None
        m = re.match(r"LOCUS\s+(\S+)\s+(\d+)\s+bp", first)
        if m:
            ids.append(m.group(1))
            declared = int(m.group(2))
        for l in lines:
            if l.startswith("VERSION") or l.startswith("ACCESSION"):
                ids.extend(l.split()[1:2])
        try:
            f_start = next(i for i, l in enumerate(lines) if l.startswith("FEATURES"))
            o_start = next(i for i, l in enumerate(lines) if l.startswith("ORIGIN"))
        except StopIteration:
            raise CheckFailed(f"{path}: GenBank file without FEATURES or ORIGIN (no sequence)")
        seq_lines = []
        for l in lines[o_start + 1:]:
            if l.startswith("//"):
                break
            seq_lines.append(re.sub(r"[\d\s]", "", l))
        features = _parse_genbank_features(lines[f_start + 1:o_start])
        return SequenceRecord(ids=ids, sequence="".join(seq_lines).upper(),
                              declared_length=declared, features=features,
                              kind="GenBank flat file (ORIGIN)")
    if first.startswith(">"):
        headers = [l for l in lines if l.startswith(">")]
        if len(headers) != 1:
            raise CheckFailed(f"{path}: {len(headers)} FASTA records; expected one")
        ids = re.split(r"[\s|]+", headers[0][1:].strip())
        seq = "".join(l.strip() for l in lines if not l.startswith(">")).upper()
        return SequenceRecord(ids=[i for i in ids if i], sequence=seq, kind="FASTA")
    raise CheckFailed(f"{path}: neither a GenBank flat file (LOCUS) nor FASTA (>)")


# ---------------------------------------------------------------------------------------------
# The table


@dataclass
class Table:
    comments_before: list[str]  # '#' lines before the header, an earlier run's additions removed
    header: str
    rows: list[str]  # everything after the header, as lines (without newline)
    trailing_newline: bool


def read_table(path: str) -> Table:
    with open(path, "r", encoding="utf-8", newline="") as f:
        text = f.read()
    if "\r" in text:
        raise CheckFailed(f"{path}: CR line endings are not supported")
    trailing = text.endswith("\n")
    lines = text.split("\n")
    if trailing:
        lines.pop()
    comments, header_at = [], None
    for i, line in enumerate(lines):
        if line.startswith("#") or not line.strip():
            comments.append(line)
        else:
            header_at = i
            break
    if header_at is None:
        raise CheckFailed(f"{path}: no header row")
    header = lines[header_at]
    rows = lines[header_at + 1:]
    # Undo an earlier run.
    comments = [c for c in comments
                if not c.startswith("# translation_table:")
                and not c.startswith("# sequence:")
                and not c.startswith(NOTE_PREFIX)]
    if header.split("\t")[-1] == COLUMN:
        header = header.rsplit("\t", 1)[0]
        rows = [r if r.startswith("#") or not r else r.rsplit("\t", 1)[0] for r in rows]
    return Table(comments, header, rows, trailing)


def metadata(comments: list[str], key: str) -> str | None:
    for c in comments:
        text = c[1:].strip()
        k, colon, v = text.partition(":")
        if colon and k.strip() == key:
            return v.strip()
    return None


# ---------------------------------------------------------------------------------------------
# Computation


def revcomp(s: str) -> str:
    return s.translate(_COMPLEMENT)[::-1]


class Genome:
    def __init__(self, seq: str):
        self.seq = seq
        self.n = len(seq)

    def cds(self, start: int, end: int, strand: str) -> str:
        s = self.seq[start - 1:end]
        return s if strand == "+" else revcomp(s)

    def codons_after(self, start: int, end: int, strand: str):
        """Codons following the 3' end, in frame, around the circle (at most one lap)."""
        for offset in range(0, self.n + 3, 3):
            if strand == "+":
                pos = end + offset  # 0-based index of the codon's first base
                yield "".join(self.seq[(pos + i) % self.n] for i in range(3))
            else:
                pos = start - 2 - offset  # 0-based index of the codon's first base (rev strand)
                yield revcomp("".join(self.seq[(pos - 2 + i) % self.n] for i in range(3)))


def codons(s: str) -> list[str]:
    return [s[i:i + 3] for i in range(0, len(s) - len(s) % 3, 3)]


def translate(s: str, table: int) -> str:
    code = CODES[table]
    return "".join(code.get(c, "X") for c in codons(s))


def parse_location(loc: str) -> tuple[str, list[tuple[int, int]]] | None:
    """'a..b', 'complement(a..b)', 'join(...)', 'complement(join(...))' -> (strand, spans)."""
    strand = "+"
    m = re.fullmatch(r"complement\((.*)\)", loc)
    if m:
        strand, loc = "-", m.group(1)
    m = re.fullmatch(r"join\((.*)\)", loc)
    parts = m.group(1).split(",") if m else [loc]
    spans = []
    for part in parts:
        m = re.fullmatch(r"<?(\d+)\.\.>?(\d+)", part)
        if not m:
            return None
        spans.append((int(m.group(1)), int(m.group(2))))
    return strand, spans


def compare_translation(genome: "Genome", r: "Row", s: str, feat: Feature, own: int):
    """Compare the record's /translation with the own-table translation of the sequence.

    Returns ("equal" | "note" | "fail", detail). The first residue is Met whatever the start
    codon; a U in the /translation (selenocysteine) must sit on an in-frame TGA.
    """
    def own_translation(cds: str) -> str:
        t = translate(cds[:-3], own)
        t = "M" + t[1:]
        for m in re.finditer("U", feat.translation):
            p = m.start()
            if p < len(t) and cds[3 * p:3 * p + 3] == "TGA":
                t = t[:p] + "U" + t[p + 1:]
        return t

    expected = feat.translation
    parsed = parse_location(feat.location)
    if parsed is None:
        return "note", f"record location {feat.location} not understood; not compared"
    strand, spans = parsed
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    sec = " (selenocysteine U at in-frame TGA)" if "U" in expected else ""
    if strand == r.strand and (lo, hi) == (r.start, r.end):
        if len(spans) == 1:
            t = own_translation(s)
            if t == expected:
                return ("note", f"equal{sec}") if sec else ("equal", "")
            return "fail", f"/translation differs from the table-{own} translation"
        joined = "".join(genome.seq[a - 1:b] for a, b in spans)
        joined = joined if strand == "+" else revcomp(joined)
        t = own_translation(joined)
        quals = ", ".join(feat.special) or "no qualifier"
        if t == expected:
            return "note", (f"multi-span CDS {feat.location} ({quals}): the joined spans translate "
                            f"to the record's {len(expected)} aa")
        return "fail", f"multi-span CDS {feat.location}: joined translation differs"
    # Another annotation version: same stop, other start?
    same_stop = strand == r.strand and len(spans) == 1 and (
        (strand == "+" and hi == r.end) or (strand == "-" and lo == r.start))
    if not same_stop:
        return "fail", f"record location {feat.location} is not the table's {r.start}..{r.end}"
    t = own_translation(s)
    n = min(len(t), len(expected)) - 1
    if t[-n:] == expected[-n:]:
        return "note", (f"record location {feat.location}, table {r.start}..{r.end} {r.strand}: "
                        f"same stop, other start ({len(expected)} aa in the record, "
                        f"{r.aa} in the table); the common {n} aa agree")
    return "fail", f"record location {feat.location}: common part of the translation differs"


def pick_feature(feats: list[Feature], r: "Row") -> Feature | None:
    """The record's CDS for a table row: the one spanning the row's coordinates, else the first."""
    for f in feats:
        parsed = parse_location(f.location)
        if parsed and parsed[0] == r.strand and (
                min(a for a, _ in parsed[1]), max(b for _, b in parsed[1])) == (r.start, r.end):
            return f
    return feats[0] if feats else None


def joined_sequence(genome: "Genome", strand: str, spans: list[tuple[int, int]]) -> str:
    joined = "".join(genome.seq[a - 1:b] for a, b in spans)
    return joined if strand == "+" else revcomp(joined)


def extra_product_note(genome: "Genome", r: "Row", label: str, f: Feature, own: int) -> str:
    """A '#' line on a second (ribosomal-slippage) product the record gives for a row's gene."""
    parsed = parse_location(f.location)
    head = (f"{NOTE_PREFIX}{label}: the record also has a ribosomal-slippage product "
            f"{f.location}" + (f" ({f.product})" if f.product else ""))
    if parsed is None:
        return head + "; location not understood; not a row here, not in the column"
    strand, spans = parsed
    seq = joined_sequence(genome, strand, spans)
    aa = len(seq) // 3 - 1
    stop = seq[-3:]
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    text = f"{head}, {aa} aa, ending in {stop}"
    if f.translation is not None:
        t = "M" + translate(seq[:-3], own)[1:]
        text += (", its joined spans translate to the record's /translation" if t == f.translation
                 else ", its joined spans do NOT translate to the record's /translation")
    if own == 11 and stop == "TGA":
        ext = next(k for k, c in enumerate(genome.codons_after(lo, hi, strand))
                   if c in ("TAA", "TAG"))
        text += f"; a UGA-as-Trp host would read through to {aa + 1 + ext} aa"
    elif own == 4:
        tga = next((i for i, c in enumerate(codons(seq)[:-1]) if c == "TGA"), None)
        if tga is not None:
            text += f"; a UGA-as-stop host would stop after {tga} aa"
    elif own == 11:
        text += "; no UGA read-through"
    return text + ". Not a row in this table, so not in the column"


@dataclass
class Row:
    fields: list[str]
    locus_tag: str
    name: str
    type: str
    start: int
    end: int
    strand: str
    length_bp: int
    aa: int | None


def parse_rows(table: Table) -> list[Row | str]:
    cols = table.header.split("\t")
    idx = {c: i for i, c in enumerate(cols)}
    need = ["locus_tag", "gene_name", "type", "start", "end", "strand", "length_bp",
            "protein_length_aa"]
    missing = [c for c in need if c not in idx]
    if missing:
        raise CheckFailed(f"header lacks {missing}")
    out: list[Row | str] = []
    for line in table.rows:
        if not line or line.startswith("#"):
            out.append(line)
            continue
        f = line.split("\t")
        if len(f) != len(cols):
            raise CheckFailed(f"row has {len(f)} fields, header {len(cols)}: {line!r}")
        aa = f[idx["protein_length_aa"]]
        out.append(Row(f, f[idx["locus_tag"]], f[idx["gene_name"]], f[idx["type"]],
                       int(f[idx["start"]]), int(f[idx["end"]]), f[idx["strand"]],
                       int(f[idx["length_bp"]]), int(aa) if aa else None))
    return out


def capped(items: list[str], sep: str = "; ", n: int = 20) -> str:
    """The first n items joined, and how many more there are."""
    return sep.join(items[:n]) + (f"{sep}... ({len(items) - n} more)" if len(items) > n else "")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tsv")
    ap.add_argument("sequence")
    ap.add_argument("--table", type=int, choices=(4, 11), required=True,
                    help="the genome's own NCBI translation table")
    ap.add_argument("--sequence-source", required=True,
                    help="text of the '# sequence:' line: '<owner/repo>/<path> @<commit> (...)'")
    out = ap.add_mutually_exclusive_group()
    out.add_argument("--in-place", action="store_true", help="rewrite TSV")
    out.add_argument("-o", "--output", help="write here (default: standard output)")
    args = ap.parse_args(argv)

    log = lambda *a: print(*a, file=sys.stderr)  # noqa: E731
    failures: list[str] = []

    table = read_table(args.tsv)
    rec = read_sequence(args.sequence)
    genome = Genome(rec.sequence)
    own, other = args.table, 15 - args.table  # 4 <-> 11
    stops = STOPS[own]

    log(f"== {args.tsv} with {args.sequence} ({rec.kind}; ids {' '.join(rec.ids)})")
    # --- whole-sequence checks
    glen = metadata(table.comments_before, "genome_length_bp")
    if glen is None:
        raise CheckFailed("the table has no '# genome_length_bp:' line")
    ok = len(rec.sequence) == int(glen)
    log(f"check sequence length {len(rec.sequence)} == genome_length_bp {glen}: "
        f"{'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append("sequence length")
    if rec.declared_length is not None and rec.declared_length != len(rec.sequence):
        failures.append("LOCUS length")
        log(f"check LOCUS length {rec.declared_length} == ORIGIN length: FAIL")
    bad = {b: rec.sequence.count(b) for b in sorted(set(rec.sequence) - set("ACGT"))}
    log(f"sequence sha256 (upper case, no line breaks): "
        f"{hashlib.sha256(rec.sequence.encode()).hexdigest()}")
    log(f"check alphabet: {'only A/C/G/T' if not bad else 'other symbols ' + repr(bad)}")
    accession = metadata(table.comments_before, "accession") or ""
    acc_words = set(re.findall(r"[A-Za-z_]+\d+(?:\.\d+)?", accession))
    named = [i for i in rec.ids if i in acc_words]
    log(f"check record id named in '# accession: {accession}': "
        f"{'ok (' + ', '.join(named) + ')' if named else 'FAIL'}")
    if not named:
        failures.append("accession")

    rows = parse_rows(table)
    cds_rows = [r for r in rows if isinstance(r, Row) and r.type == "CDS"]

    if rec.features:
        tables = {f.transl_table for fs in rec.features.values() for f in fs
                  if f.transl_table is not None}
        ok = tables <= {own}
        log(f"check GenBank /transl_table values {sorted(tables)} == {own}: "
            f"{'ok' if ok else 'FAIL'}")
        if not ok:
            failures.append("transl_table")

    values: dict[str, str] = {}
    notes: list[str] = []
    odd_starts, internal, bad_stops, nonplain = [], [], [], []
    tr_match = 0
    tr_missing: list[str] = []
    tr_special: list[str] = []
    tr_mismatch: list[str] = []
    terminal_counts: dict[str, int] = {}

    for r in cds_rows:
        if r.end - r.start + 1 != r.length_bp:
            raise CheckFailed(f"{r.locus_tag}: length_bp {r.length_bp} != end - start + 1")
        s = genome.cds(r.start, r.end, r.strand)
        plain = r.aa is not None and r.length_bp == 3 * (r.aa + 1)
        label = f"{r.locus_tag}" + (f" ({r.name})" if r.name else "")
        if not plain:
            nonplain.append(label)
        # The frame of the 5' end for plain CDS; of the 3' end otherwise.
        frame_seq = s if plain else s[len(s) % 3:]
        cs = codons(frame_seq)
        start_codon, stop_codon = s[:3], cs[-1]
        terminal_counts[stop_codon] = terminal_counts.get(stop_codon, 0) + 1
        if start_codon not in ALLOWED_STARTS:
            odd_starts.append(f"{label} {start_codon}")
        if stop_codon not in stops:
            bad_stops.append(f"{label} ends in {stop_codon}")
        # Internal stops of the own table: on the 5' frame (that is where a frameshift site shows).
        five = codons(s)[:-1] if plain else codons(s)
        inner = [(i + 1, c) for i, c in enumerate(five) if c in stops]
        if inner:
            internal.append(f"{label} codon(s) " + ", ".join(f"{i} {c}" for i, c in inner[:5])
                            + (" ..." if len(inner) > 5 else "")
                            + ("" if plain else " [5' frame of a frameshift CDS]"))

        # GenBank /translation cross-check.
        feats = rec.features.get(r.locus_tag, [])
        feat = pick_feature(feats, r)
        if rec.features:
            if feat is None or feat.translation is None:
                tr_missing.append(label)
            else:
                verdict, detail = compare_translation(genome, r, s, feat, own)
                if verdict == "equal":
                    tr_match += 1
                elif verdict == "fail":
                    tr_mismatch.append(f"{label}: {detail}")
                    failures.append(f"translation {r.locus_tag}")
                else:
                    tr_special.append(f"{label}: {detail}")

        for extra in feats:
            if extra is not feat and "ribosomal_slippage" in extra.special:
                notes.append(extra_product_note(genome, r, label, extra, own))

        # The other code.
        if own == 4:
            if not plain:
                notes.append(f"{NOTE_PREFIX}{label} is a frameshift CDS (length_bp {r.length_bp}, "
                             f"{r.aa} aa): its in-frame TGA cannot be placed from the table; left empty")
                continue
            first = next((i for i, c in enumerate(cs[:-1]) if c == "TGA"), None)
            if first is not None:
                values[r.locus_tag] = str(first)
        else:
            value = None
            if stop_codon == "TGA":
                ext = None
                for k, c in enumerate(genome.codons_after(r.start, r.end, r.strand)):
                    if c in ("TAA", "TAG"):
                        ext = k
                        break
                if ext is None:
                    raise CheckFailed(f"{label}: no TAA/TAG in frame around the whole genome")
                value = r.aa + 1 + ext
                values[r.locus_tag] = str(value)
            if not plain:
                what = (f"UGA read-through to {value} aa" if value is not None
                        else "no UGA read-through, left empty")
                note = (f"{NOTE_PREFIX}{label} is a frameshift CDS (length_bp {r.length_bp}, "
                        f"{r.aa} aa, not 3 * (aa + 1)); computed in the frame of its annotated "
                        f"3' end, whose stop is {stop_codon}: {what}")
                five = codons(s)
                tga = next((i for i, c in enumerate(five) if c == "TGA"), None)
                if tga is not None:
                    stop5 = next((i for i, c in enumerate(five) if i > tga and c in ("TAA", "TAG")),
                                 None)
                    note += (f". Its 5' frame has TGA at codon {tga + 1}: a UGA-as-Trp host that "
                             f"read it as Trp and did not shift frame there would make ")
                    note += (f"{stop5} aa (TAA/TAG at codon {stop5 + 1})" if stop5 is not None
                             else "a product running past the annotated end")
                    note += "; not in the column"
                notes.append(note)
            elif plain:
                inner_tga = [i for i, c in enumerate(cs[:-1]) if c == "TGA"]
                if inner_tga:
                    sec = (feat is not None and feat.translation is not None
                           and all(i < len(feat.translation) and feat.translation[i] == "U"
                                   for i in inner_tga))
                    notes.append(f"{NOTE_PREFIX}{label} has an in-frame TGA at codon(s) "
                                 + ", ".join(str(i + 1) for i in inner_tga)
                                 + (" (selenocysteine, U in the record's /translation)" if sec
                                    else " (not marked as selenocysteine in the sequence record)")
                                 + "; only its terminal stop, " + stop_codon + ", counts here"
                                 + ("" if value is None else f": {value} aa"))

    # --- report
    log(f"CDS: {len(cds_rows)}; terminal codons: "
        + ", ".join(f"{c} {n}" for c, n in sorted(terminal_counts.items())))
    log(f"CDS whose length_bp is not 3*(protein_length_aa+1): {len(nonplain)}"
        + (f" ({', '.join(nonplain)})" if nonplain else ""))
    log(f"check every CDS ends in a table-{own} stop ({'/'.join(sorted(stops))}): "
        f"{'ok' if not bad_stops else f'FAIL ({len(bad_stops)}) ' + capped(bad_stops)}")
    if bad_stops:
        failures.append("stop codons")
    log(f"CDS with a start codon other than {'/'.join(ALLOWED_STARTS)}: {len(odd_starts)}"
        + (f" ({'; '.join(odd_starts)})" if odd_starts else ""))
    log(f"CDS with an internal in-frame table-{own} stop: {len(internal)}")
    for i in internal:
        log(f"  {i}")
    if rec.features:
        log(f"check GenBank /translation against the table-{own} translation of the sequence: "
            f"{tr_match} equal, {len(tr_special)} with notes, {len(tr_mismatch)} "
            f"differ{' (FAIL)' if tr_mismatch else ''}, {len(tr_missing)} CDS not in the record "
            f"or without a /translation" + (f" ({', '.join(tr_missing)})" if tr_missing else ""))
        for m in tr_special + tr_mismatch:
            log(f"  {m}")

    total = sum(r.aa for r in cds_rows if r.aa)
    affected = [r for r in cds_rows if r.locus_tag in values]
    log(f"CDS affected under table {other}: {len(affected)} of {len(cds_rows)}")
    if own == 4:
        kept = sum(int(values[r.locus_tag]) if r.locus_tag in values else r.aa for r in cds_rows)
        log(f"amino acids: total {total}; a UGA-as-stop host makes {kept} "
            f"= {100.0 * kept / total:.2f} %")
    else:
        ext = [int(values[r.locus_tag]) - r.aa for r in affected]
        if ext:
            srt = sorted(ext)
            mid = len(srt) // 2
            median = srt[mid] if len(srt) % 2 else (srt[mid - 1] + srt[mid]) / 2
            longest = [r for r in affected if int(values[r.locus_tag]) - r.aa == srt[-1]]
            log(f"TGA-terminated CDS: {len(affected)}; extension (other_code_length_aa - "
                f"protein_length_aa, the Trp included): mean {sum(ext) / len(ext):.2f} aa, "
                f"median {median} aa, min {srt[0]}, max {srt[-1]} aa "
                f"({', '.join(r.locus_tag + ' ' + r.name for r in longest)}); total extra aa "
                f"{sum(ext)} on {total} aa")

    if failures:
        log(f"FAILED checks: {capped(failures, ', ')}; nothing written")
        return 1

    # --- write
    out_lines: list[str] = []
    for c in table.comments_before:
        out_lines.append(c)
        if c.startswith("# accession:"):
            out_lines.append(f"# translation_table: {own}")
        if c.startswith("# source:"):
            out_lines.append(f"# sequence: {args.sequence_source}; {COLUMN} derived by {TOOL}")
    for key in ("# translation_table:", "# sequence:"):
        if not any(l.startswith(key) for l in out_lines):
            raise CheckFailed(f"the table has no line to put '{key}' after")
    out_lines.extend(notes)
    out_lines.append(table.header + "\t" + COLUMN)
    for r in rows:
        if isinstance(r, str):
            out_lines.append(r)
        else:
            v = values.get(r.locus_tag, "") if r.type == "CDS" else ""
            out_lines.append("\t".join(r.fields) + "\t" + v)
    text = "\n".join(out_lines) + ("\n" if table.trailing_newline else "")
    if args.in_place:
        with open(args.tsv, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    elif args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except CheckFailed as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
