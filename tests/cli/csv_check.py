# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
#
# cli.csv_python: runs `bioxen run --csv --csv-summary` on a scenario whose VM id needs CSV
# quoting and reads both files back with Python's csv module (strictly: one header row, every
# row as long, numbers that parse), and with pandas.read_csv without options when pandas is
# installed. Usage: csv_check.py BIOXEN WORK_DIR
import csv
import json
import math
import os
import subprocess
import sys

bioxen, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
ODD_ID = 'guest "one", two'
scenario = {
    "quanta": 600,
    "vms": [{"id": ODD_ID, "type": "syn3a_recoded"}, {"id": "b", "type": "ecoli"}],
    "events": [{"at": 100, "action": "destroy", "vm": "b"}],
}
series_file = os.path.join(work, "series.csv")
summary_file = os.path.join(work, "vms.csv")
for f in (series_file, summary_file):
    if os.path.exists(f):
        os.remove(f)
run = subprocess.run(
    [bioxen, "run", "-", "--json", "--csv", series_file, "--csv-summary", summary_file],
    input=json.dumps(scenario), capture_output=True, text=True)
if run.returncode != 0:
    sys.exit("bioxen failed: " + run.stderr)
result = json.loads(run.stdout)

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        text = f.read()
    check(not text.startswith("#"), path + ": a comment line")
    rows = list(csv.reader(text.splitlines(keepends=True), strict=True))
    check(len(rows) >= 2, path + ": no data rows")
    header = rows[0]
    check(len(set(header)) == len(header), path + ": duplicate column names")
    for i, row in enumerate(rows[1:], start=2):
        check(len(row) == len(header), "%s:%d: %d fields, header has %d" %
              (path, i, len(row), len(header)))
    return header, [dict(zip(header, r)) for r in rows[1:]]


def number(text, where):
    if text == "":
        return math.nan
    try:
        return float(text)
    except ValueError:
        failures.append("%s: not a number: %r" % (where, text))
        return math.nan


# The time series: slots of 2 quanta (600 > 480), one row per slot and VM.
header, rows = read(series_file)
ids = [r["vm_id"] for r in rows]
check(ODD_ID in ids, "the quoted VM id did not read back: %r" % sorted(set(ids)))
check(set(ids) == {ODD_ID, "b"}, "VM ids: %r" % sorted(set(ids)))
check(len(rows) == 2 * 300, "rows: %d, expected 600" % len(rows))
text_columns = {"vm_id", "vm_present", "host_modelled"}
for r in rows:
    for k in header:
        if k not in text_columns:
            number(r[k], "series " + k)
    check(r["vm_present"] in ("true", "false"), "vm_present %r" % r["vm_present"])
quanta = sum(number(r["quanta"], "quanta") for r in rows if r["vm_id"] == ODD_ID)
check(quanta == 600, "the slots of a VM cover %r quanta, expected 600" % quanta)
aa = sum(number(r["vm_amino_acids"], "aa") for r in rows if r["vm_id"] == ODD_ID)
odd_status = [v for v in result["vms"] if v["vm_id"] == ODD_ID][0]
check(aa == odd_status["amino_acids"],
      "amino acids over the slots %r != the VM's %r" % (aa, odd_status["amino_acids"]))
gone = [r for r in rows if r["vm_id"] == "b" and r["vm_present"] == "false"]
check(len(gone) == 250, "slots after b's destruction: %d, expected 250" % len(gone))

# The summary: a row per VM, the destroyed one last.
header, vms = read(summary_file)
check(header[0] == "vm_id", "first column %r" % header[0])
check([v["vm_id"] for v in vms] == [ODD_ID, "b"], "summary rows %r" % [v["vm_id"] for v in vms])
for key in odd_status:
    check(key in header, "summary lacks the status key %r" % key)
check(number(vms[0]["amino_acids"], "amino_acids") == odd_status["amino_acids"],
      "summary amino_acids")
check(vms[1]["destroyed"] == "true" and vms[0]["destroyed"] == "false", "destroyed column")
check(vms[1]["translation_share"] == "", "a destroyed VM has no share")

try:
    import pandas  # optional: Debian's python3-pandas
except ImportError:
    pandas = None
if pandas is not None:
    s = pandas.read_csv(series_file)
    v = pandas.read_csv(summary_file)
    check(len(s) == 600 and len(v) == 2, "pandas shapes %r %r" % (s.shape, v.shape))
    check(s["vm_present"].dtype == bool, "pandas reads vm_present as %s" % s["vm_present"].dtype)
    check(s["vm_amino_acids"].dtype.kind in "iuf", "pandas: vm_amino_acids is %s" % s["vm_amino_acids"].dtype)
    check(v["boot_time_seconds"].dtype.kind == "f", "pandas: boot_time_seconds is %s" % v["boot_time_seconds"].dtype)
    check(ODD_ID in set(s["vm_id"]), "pandas: quoted id")
    print("pandas %s read both files" % pandas.__version__)
else:
    print("pandas is not installed: read with the csv module only")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("CSV files read back: %d series rows, %d VMs" % (len(rows), len(vms)))
