#!/usr/bin/env python3
"""Reference numbers from the Darlington et al. (2018) host/orthogonal-ribosome model.

Darlington APS, Kim J, Jimenez JI, Bates DG (2018) "Dynamic allocation of
orthogonal ribosomes facilitates uncoupling of co-expressed genes",
Nat Commun 9:695, doi:10.1038/s41467-018-02898-6.

The authors' MATLAB code is github.com/apsduk/Nat-Commun-2018, read at commit
c0a91154888ca042497d4ee2544be05f69104f3b (HEAD, 2018-03-26; all files used here
are unchanged since 4ab3582659686adf10331b7660dc6a3849827208, "commit on date
of publication", 2018-02-15).  This file is an independent Python
re-implementation of the same equations; no MATLAB code is copied.  Every
parameter cites the file and line of that repository where its value is set
("AUTH:<path>:<line>").  The ODE right-hand sides follow
lib/hriboODE.m, lib/oriboODE.m, lib/cpolsODE.m, lib/fbprnODE.m and
libODE/twogenes*.m; comments give the corresponding lines.

Units (as in the authors' code, which takes its host from Weisse et al. 2015,
PNAS 112:E1038): time in minutes, amounts in molecules per cell, energy eE in
molecules of ATP-equivalents per cell, transcription rates w* in mRNA/min,
binding rates b* in 1/(molecule*min), elongation gamma in aa/min.

Usage:
    /usr/bin/python3 tools/reference/darlington2018.py          # writes the two TSVs
    /usr/bin/python3 tools/reference/darlington2018.py --quick  # levels only, no 31-point sweeps
    /usr/bin/python3 tools/reference/darlington2018.py --check  # print to stderr, write nothing
(/usr/bin/python3 = Debian python3 with python3-numpy/python3-scipy.)
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np
import scipy
from scipy.integrate import solve_ivp
from scipy.optimize import root

AUTHOR_REPO = "github.com/apsduk/Nat-Commun-2018"
AUTHOR_COMMIT = "c0a91154888ca042497d4ee2544be05f69104f3b"

# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------

# Host (chassis) parameters: lib/makeinitialconditions.m lines 44-55, with the
# environment of every figure script (eS = 1e4, sS = 0.5, cm0 = 0;
# AUTH:figure_controller_analysis.m:51, AUTH:figure_resource_allocation_by_pool_separation.m:14).
HOST = {
    "eS": 1e4,      # external nutrient, molecules        AUTH:figure_controller_analysis.m:51
    "sS": 0.5,      # nutrient quality (ATP per nutrient) AUTH:figure_controller_analysis.m:51
    "vT": 728.0,    # max import rate, 1/min              AUTH:lib/makeinitialconditions.m:45
    "vE": 5800.0,   # max metabolic rate, 1/min           AUTH:lib/makeinitialconditions.m:45
    "kT": 1e3,      # import Michaelis const., molecules  AUTH:lib/makeinitialconditions.m:46
    "kE": 1e3,      # metabolism Michaelis const.         AUTH:lib/makeinitialconditions.m:46
    "wX": 4.14,     # max transcription T and E genes     AUTH:lib/makeinitialconditions.m:47
    "wH": 948.93,   # max transcription housekeeping H    AUTH:lib/makeinitialconditions.m:47
    "wR": 930.0,    # max transcription r-protein mRNA    AUTH:lib/makeinitialconditions.m:47
    "oX": 4.38,     # energy threshold T, E, H mRNA       AUTH:lib/makeinitialconditions.m:48
    "oR": 426.87,   # energy threshold r-protein mRNA     AUTH:lib/makeinitialconditions.m:48
    "nX": 300.0,    # length of T, E, H proteins, aa      AUTH:lib/makeinitialconditions.m:49
    "nR": 7459.0,   # length of ribosomal proteins, aa    AUTH:lib/makeinitialconditions.m:49
    "bX": 1.0,      # mRNA-ribosome binding               AUTH:lib/makeinitialconditions.m:50
    "uX": 1.0,      # mRNA-ribosome unbinding, 1/min      AUTH:lib/makeinitialconditions.m:50
    "dymX": 0.1,    # mRNA degradation, 1/min             AUTH:lib/makeinitialconditions.m:51
    "dypX": 0.0,    # protein degradation                 AUTH:lib/makeinitialconditions.m:51
    "dypR": 0.0,    # ribosome / complex degradation      AUTH:lib/makeinitialconditions.m:51
    "kH": 152219.0, # H autorepression threshold          AUTH:lib/makeinitialconditions.m:52
    "hH": 4.0,      # H autorepression Hill coefficient   AUTH:lib/makeinitialconditions.m:52
    "fcm": 0.00599, # chloramphenicol binding             AUTH:lib/makeinitialconditions.m:53
    "rcm": 0.0,     # chloramphenicol unbinding           AUTH:lib/makeinitialconditions.m:53
    "cm0": 0.0,     # chloramphenicol (none)              AUTH:figure_controller_analysis.m:51
    "maxG": 1260.0, # max elongation, aa/min              AUTH:lib/makeinitialconditions.m:54
    "kG": 7.0,      # elongation energy threshold         AUTH:lib/makeinitialconditions.m:54
    "M0": 1e8,      # cell mass, aa                       AUTH:lib/makeinitialconditions.m:54
    "wrR": 3170.0,  # max transcription host rRNA         AUTH:lib/makeinitialconditions.m:55
    "orR": 426.87,  # = oR                                AUTH:lib/makeinitialconditions.m:55
    "brR": 1.0,     # rRNA + r-protein assembly           AUTH:lib/makeinitialconditions.m:55
    "urR": 1.0,     # ribosome disassembly, 1/min         AUTH:lib/makeinitialconditions.m:55
    "dyrR": 0.1,    # rRNA degradation (= dymX)           AUTH:lib/makeinitialconditions.m:55
}

# o-16S rRNA: [wrP; orP; brP; urP; dyrP].  wrP = 350 in the controller study
# (AUTH:figure_controller_analysis.m:34, also figure_controller_dynamics.m:19);
# wrP = 1.60 for the open-loop comparison in AUTH:figure_controller_dynamics.m:113;
# wrP in {50, 100, 500} in AUTH:figure_resource_allocation_by_pool_separation.m:33.
ORIBO = {
    "wrP": 350.0,   # max transcription o-rRNA, rRNA/min  AUTH:figure_controller_analysis.m:34
    "orP": 4.38,    # energy threshold o-rRNA             AUTH:figure_controller_analysis.m:34
    "brP": 1.0,     # o-rRNA + r-protein assembly         AUTH:figure_controller_analysis.m:34
    "urP": 1.0,     # o-ribosome disassembly, 1/min       AUTH:figure_controller_analysis.m:34
    "dyrP": 0.1,    # o-rRNA degradation, 1/min           AUTH:figure_controller_analysis.m:34
}

# Controller (repressor F, translated by o-ribosomes, represses the o-rRNA
# promoter): [wF; oF; kF; hF; nF; bF; uF; dymF; dypF]
# AUTH:figure_controller_analysis.m:37 (identical in figure_controller_dynamics.m:20,
# where the comment says the values were "retrieve[d] ... from GA").
CTRL = {
    "wF": 1e3,      # max transcription of F mRNA         AUTH:figure_controller_analysis.m:37
    "oF": 4.38,     # energy threshold                     AUTH:figure_controller_analysis.m:37
    "nF": 300.0,    # length of F, aa                      AUTH:figure_controller_analysis.m:37
    "kF": 1e4,      # repression threshold, molecules      AUTH:figure_controller_analysis.m:37
    "hF": 4.0,      # repression Hill coefficient          AUTH:figure_controller_analysis.m:37
    "bF": 1.0,      # F mRNA - o-ribosome binding          AUTH:figure_controller_analysis.m:37
    "uF": 1.0,      # unbinding                            AUTH:figure_controller_analysis.m:37
    "dymF": 0.1,    # F mRNA degradation                   AUTH:figure_controller_analysis.m:37
    "dypF": 0.0,    # F protein degradation                AUTH:figure_controller_analysis.m:37
}

# Circuit genes A (= RFP, the induced "gene 1") and B (= GFP, the constitutive
# "gene 2"): AUTH:figure_controller_analysis.m:42-45,57-58,64 and
# AUTH:figure_resource_allocation_by_pool_separation.m:11,21-22.
GENE = {"o": 4.38, "n": 300.0, "b": 1.0, "u": 1.0, "dym": 0.1, "dyp": 0.0}
W_B = 100.0                                    # AUTH:figure_controller_analysis.m:45
W_A_SWEEP = 10.0 ** np.arange(0.0, 3.0 + 1e-9, 0.1)  # AUTH:figure_controller_analysis.m:42,64
W_A_LEVELS = [0.0, 1.0, 10 ** 0.5, 10.0, 10 ** 1.5, 100.0, 10 ** 2.5, 1000.0]

# Initial conditions of the host: AUTH:lib/makeinitialconditions.m:58-63 (host),
# :74 (rP0 = 0, pP0 = 10), :89 (mF, cF, zF = 0, pF0 = 10); circuit C0 = 0.
HOST_Y0 = {
    "iS": 1000.0, "eE": 1000.0,
    "mT": 10.0, "cT": 10.0, "zT": 0.0, "pT": 10.0,
    "mE": 10.0, "cE": 10.0, "zE": 0.0, "pE": 10.0,
    "mH": 10.0, "cH": 10.0, "zH": 0.0, "pH": 10.0,
    "mR": 10.0, "cR": 10.0, "zR": 0.0, "xR": 10.0,
    "rR": 10.0, "pR": 10.0,
    "rP": 0.0, "pP": 10.0,
    "mF": 0.0, "cF": 0.0, "zF": 0.0, "pF": 10.0,
}


# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------

@dataclass
class Arch:
    """One of the authors' host models plus a circuit assignment.

    host: 'hribo' (no o-rRNA), 'oribo'/'cpols' (o-rRNA expressed, constitutive),
          'fbprn' (o-rRNA repressed by F, F translated by o-ribosomes).
    pool_A, pool_B: 'h' or 'o' -- which free-ribosome pool translates gene A / B.
    """
    key: str
    label: str
    host: str
    pool_A: str
    pool_B: str
    wrP: float = 0.0
    source: str = ""
    circuit: bool = True
    ctrl: dict = field(default_factory=lambda: dict(CTRL))

    @property
    def has_orib(self) -> bool:
        return self.host != "hribo"

    @property
    def has_ctrl(self) -> bool:
        return self.host == "fbprn"


class Model:
    HOST_NAMES = ["iS", "eE",
                  "mT", "cT", "zT", "pT",
                  "mE", "cE", "zE", "pE",
                  "mH", "cH", "zH", "pH",
                  "mR", "cR", "zR", "xR",
                  "rR", "pR"]

    def __init__(self, arch: Arch, wA: float = 0.0, wB: float = W_B):
        self.a = arch
        self.wA, self.wB = wA, wB
        names = list(self.HOST_NAMES)
        if arch.has_orib:
            names += ["rP", "pP"]
        if arch.has_ctrl:
            names += ["mF", "cF", "zF", "pF"]
        if arch.circuit:
            names += ["mA", "cA", "zA", "pA", "mB", "cB", "zB", "pB"]
        self.names = names
        self.ix = {n: i for i, n in enumerate(names)}
        self.P = dict(HOST)
        if arch.has_orib:
            self.P.update(ORIBO)
            self.P["wrP"] = arch.wrP
        if arch.has_ctrl:
            self.P.update(arch.ctrl)

    # -- helpers ----------------------------------------------------------
    def y0_host(self) -> np.ndarray:
        y = np.zeros(len(self.names))
        for n, v in HOST_Y0.items():
            if n in self.ix:
                y[self.ix[n]] = v
        return y

    def rates(self, y):
        """Auxiliary rates: gamma, lambda and the per-gene translation fluxes."""
        P, g = self.P, {n: y[i] for n, i in self.ix.items()}
        eE = g["eE"]
        gamma = P["maxG"] * eE / (P["kG"] + eE)            # hriboODE.m:38
        c_tr = g["cT"] + g["cE"] + g["cH"] + g["cR"]        # hriboODE.m:42
        if self.a.has_ctrl:
            c_tr += g["cF"]                                 # fbprnODE.m:49
        if self.a.circuit:
            c_tr += g["cA"] + g["cB"]                       # cXlist = [2,6]
        lam = gamma * c_tr / P["M0"]                        # hriboODE.m:46
        return g, gamma, lam

    def rhs(self, t, y):
        P, a = self.P, self.a
        g, gamma, lam = self.rates(y)
        eE = g["eE"]
        mm = lambda w, o: w * eE / (o + eE)                 # transcription law, hriboODE.m:49-54
        hill = lambda p, k, h: 1.0 / (1.0 + (max(p, 0.0) / k) ** h)
        cm0, fcm, rcm, dypR = P["cm0"], P["fcm"], P["rcm"], P["dypR"]
        d = np.zeros_like(y)
        ix = self.ix
        pools = {"h": g["pR"], "o": g.get("pP", 0.0)}
        pool_flux = {"h": 0.0, "o": 0.0}
        energy_use = 0.0

        def gene(tag, tx, n, b, u, dym, pool):
            """mRNA m, complex c, cm-bound z; returns completion rate gamma/n*c.

            dm = tx - (lam+dym) m + gamma/n c - b R m + u c     (hriboODE.m:67)
            dc = -(lam+dypR) c + b R m - u c - gamma/n c - fcm cm0 c + rcm z  (:68)
            dz = fcm cm0 c - rcm z - (lam+dypR) z               (:69)
            free-pool flux: gamma/n c - b R m + u c             (:92-96)
            """
            nonlocal energy_use
            m, c, z = g["m" + tag], g["c" + tag], g["z" + tag]
            R = pools[pool]
            done = gamma / n * c
            bind = b * R * m
            d[ix["m" + tag]] = tx - (lam + dym) * m + done - bind + u * c
            d[ix["c" + tag]] = (-(lam + dypR) * c + bind - u * c - done
                                - fcm * cm0 * c + rcm * z)
            d[ix["z" + tag]] = fcm * cm0 * c - rcm * z - (lam + dypR) * z
            pool_flux[pool] += done - bind + u * c
            energy_use += n * done                           # hriboODE.m:64; twogenes.m:42
            return done

        # host genes (all on host ribosomes)
        tT = gene("T", mm(P["wX"], P["oX"]), P["nX"], P["bX"], P["uX"], P["dymX"], "h")
        tE = gene("E", mm(P["wX"], P["oX"]), P["nX"], P["bX"], P["uX"], P["dymX"], "h")
        tH = gene("H", mm(P["wH"], P["oX"]) * hill(g["pH"], P["kH"], P["hH"]),
                  P["nX"], P["bX"], P["uX"], P["dymX"], "h")            # hriboODE.m:51
        tR = gene("R", mm(P["wR"], P["oR"]), P["nR"], P["bX"], P["uX"], P["dymX"], "h")

        # metabolism: hriboODE.m:63-64
        imp = g["pT"] * P["vT"] * P["eS"] / (P["kT"] + P["eS"])
        met = g["pE"] * P["vE"] * g["iS"] / (P["kE"] + g["iS"])
        d[ix["iS"]] = imp - met - lam * g["iS"]

        d[ix["pT"]] = tT - (lam + P["dypX"]) * g["pT"]                 # :70
        d[ix["pE"]] = tE - (lam + P["dypX"]) * g["pE"]                 # :76
        d[ix["pH"]] = tH - (lam + P["dypX"]) * g["pH"]                 # :82

        # ribosome biogenesis: free r-protein xR + rRNA -> ribosome (:88-92),
        # and xR + o-rRNA -> o-ribosome (oriboODE.m:90-104)
        asmR = P["brR"] * g["xR"] * g["rR"] - P["urR"] * g["pR"]
        d[ix["xR"]] = tR - (lam + dypR) * g["xR"] - asmR
        d[ix["rR"]] = mm(P["wrR"], P["orR"]) - (lam + P["dyrR"]) * g["rR"] - asmR
        d[ix["pR"]] = asmR - (lam + dypR) * g["pR"]
        if a.has_orib:
            tx_rP = mm(P["wrP"], P["orP"])                              # oriboODE.m:55
            if a.has_ctrl:
                tx_rP *= hill(g["pF"], P["kF"], P["hF"])                # fbprnODE.m:60
            asmP = P["brP"] * g["xR"] * g["rP"] - P["urP"] * g["pP"]
            d[ix["xR"]] -= asmP
            d[ix["rP"]] = tx_rP - (lam + P["dyrP"]) * g["rP"] - asmP    # oriboODE.m:103
            d[ix["pP"]] = asmP - (lam + dypR) * g["pP"]                 # oriboODE.m:104

        # controller protein F, translated by o-ribosomes: fbprnODE.m:117-120
        if a.has_ctrl:
            tF = gene("F", mm(P["wF"], P["oF"]), P["nF"], P["bF"], P["uF"], P["dymF"], "o")
            d[ix["pF"]] = tF - (lam + P["dypF"]) * g["pF"]

        # circuit: libODE/twogenes.m:22-45 (and the _cpols_ variants for the pool)
        if a.circuit:
            G = GENE
            tA = gene("A", mm(self.wA, G["o"]), G["n"], G["b"], G["u"], G["dym"], a.pool_A)
            tB = gene("B", mm(self.wB, G["o"]), G["n"], G["b"], G["u"], G["dym"], a.pool_B)
            d[ix["pA"]] = tA - (lam + G["dyp"]) * g["pA"]
            d[ix["pB"]] = tB - (lam + G["dyp"]) * g["pB"]

        d[ix["eE"]] = P["sS"] * met - lam * eE - energy_use             # :64 + eEusage
        d[ix["pR"]] += pool_flux["h"]
        if a.has_orib:
            d[ix["pP"]] += pool_flux["o"]
        return d

    # -- steady state ------------------------------------------------------
    def steady_state(self, y0, t_end=1e9, rtol=1e-9, atol=1e-8):
        """Integrate from y0 to t_end (the authors use ode15s to tmax = 1e9 min,
        AUTH:figure_controller_analysis.m:48), then polish with a root solve."""
        sol = solve_ivp(self.rhs, (0.0, t_end), y0, method="LSODA",
                        rtol=rtol, atol=atol, dense_output=False)
        if not sol.success:
            raise RuntimeError(f"integration failed: {sol.message}")
        y = sol.y[:, -1]
        res_int = float(np.max(np.abs(self.rhs(0.0, y))))
        r = root(lambda v: self.rhs(0.0, v), y, method="hybr", tol=1e-13)
        y_ss = r.x if (r.success and np.all(r.x > -1e-6)
                       and np.max(np.abs(r.x - y) / (np.abs(y) + 1.0)) < 1e-3) else y
        res = float(np.max(np.abs(self.rhs(0.0, y_ss))))
        return y_ss, {"res_after_integration": res_int, "res_final": res,
                      "polished": y_ss is r.x, "nfev": sol.nfev}

    # -- observables ---------------------------------------------------------
    def observables(self, y) -> dict:
        g, gamma, lam = self.rates(y)
        a = self.a
        c_host_genes = g["cT"] + g["cE"] + g["cH"] + g["cR"]
        on_h = c_host_genes
        on_o = 0.0
        if a.circuit:
            on_h += (g["cA"] if a.pool_A == "h" else 0.0) + (g["cB"] if a.pool_B == "h" else 0.0)
            on_o += (g["cA"] if a.pool_A == "o" else 0.0) + (g["cB"] if a.pool_B == "o" else 0.0)
        if a.has_ctrl:
            on_o += g["cF"]
        # ribosome-sharing constants: at steady state dc = 0 gives c = R m / K with
        # K = (u + gamma/n + lambda + dypR) / b (cm0 = 0), so R_pool = R_free (1 + sum m/K)
        P = self.P
        K_host = (P["uX"] + gamma / P["nX"] + lam + P["dypR"]) / P["bX"]
        K_rprot = (P["uX"] + gamma / P["nR"] + lam + P["dypR"]) / P["bX"]
        K_circ = (GENE["u"] + gamma / GENE["n"] + lam + P["dypR"]) / GENE["b"]
        load = {"h": (g["mT"] + g["mE"] + g["mH"]) / K_host + g["mR"] / K_rprot, "o": 0.0}
        if a.circuit:
            load[a.pool_A] += g["mA"] / K_circ
            load[a.pool_B] += g["mB"] / K_circ
        if a.has_ctrl:
            load["o"] += g["mF"] / ((P["uF"] + gamma / P["nF"] + lam + P["dypR"]) / P["bF"])
        tx_factor = (1.0 / (1.0 + (max(g["pF"], 0.0) / P["kF"]) ** P["hF"])) if a.has_ctrl else 1.0
        host_total = g["pR"] + on_h
        o_total = (g.get("pP", 0.0) + on_o) if a.has_orib else 0.0
        return {
            "pA": g.get("pA", float("nan")), "pB": g.get("pB", float("nan")),
            "mA": g.get("mA", float("nan")), "mB": g.get("mB", float("nan")),
            "lambda": lam, "gamma": gamma, "eE": g["eE"],
            "pR_free": g["pR"], "host_ribo_total": host_total,
            "pP_free": g.get("pP", 0.0), "o_ribo_total": o_total,
            "o_fraction": o_total / (host_total + o_total),
            "xR_free": g["xR"], "rP": g.get("rP", 0.0), "pF": g.get("pF", 0.0),
            "pH": g["pH"], "K_circ": K_circ, "K_host": K_host,
            "load_h": load["h"], "load_o": load["o"], "o_rRNA_tx_factor": tx_factor,
        }


# ---------------------------------------------------------------------------
# Architectures
# ---------------------------------------------------------------------------

ARCHS = [
    Arch("a", "host ribosomes, no o-rRNA (hribo + twogenes)", "hribo", "h", "h",
         source="lib/hriboODE.m + libODE/twogenes.m"),
    Arch("a_orRNA", "host ribosomes, o-rRNA expressed but unused, wrP=350 (cpols + twogenes_cpols_hA_hB)",
         "cpols", "h", "h", wrP=350.0,
         source="lib/cpolsODE.m + libODE/twogenes_cpols_hA_hB.m"),
    Arch("b", "both genes on o-ribosomes, fixed o-rRNA wrP=350 (oribo + twogenes)",
         "oribo", "o", "o", wrP=350.0,
         source="lib/oriboODE.m + libODE/twogenes.m; open loop of figure_controller_analysis.m:66-84"),
    Arch("b_matched", "both genes on o-ribosomes, fixed o-rRNA wrP=1.60 (oribo + twogenes)",
         "oribo", "o", "o", wrP=1.60,
         source="open-loop comparison of figure_controller_dynamics.m:112-119"),
    Arch("c", "both genes on o-ribosomes, o-rRNA under controller F, wrP=350 (fbprn + twogenes)",
         "fbprn", "o", "o", wrP=350.0,
         source="lib/fbprnODE.m + libODE/twogenes.m; figure_controller_analysis.m:86-100"),
    Arch("d", "gene 1 on host, gene 2 on o-ribosomes, wrP=350 (cpols + twogenes_cpols_hA_oB)",
         "cpols", "h", "o", wrP=350.0,
         source="lib/cpolsODE.m + libODE/twogenes_cpols_hA_oB.m"),
]


def host_state(arch: Arch):
    """makeinitialconditions: host (plus o-rRNA / controller) without circuit."""
    h = Arch(arch.key + "_host", "", arch.host, "h", "h", wrP=arch.wrP,
             circuit=False, ctrl=arch.ctrl)
    m = Model(h)
    y, info = m.steady_state(m.y0_host())
    return m, y, info


def with_circuit(arch: Arch, y_host_model: Model, y_host: np.ndarray, wA: float):
    m = Model(arch, wA=wA)
    y0 = np.zeros(len(m.names))
    for n, i in y_host_model.ix.items():
        y0[m.ix[n]] = y_host[i]
    return m, y0


def sweep(arch: Arch, wAs, host=None):
    hm, hy, hinfo = host if host is not None else host_state(arch)
    rows = []
    for wA in wAs:
        m, y0 = with_circuit(arch, hm, hy, wA)
        y, info = m.steady_state(y0)
        obs = m.observables(y)
        obs.update(wA=wA, res=info["res_final"])
        rows.append(obs)
    return rows, (hm, hy, hinfo)


def coupling(rows_sweep):
    """Coupling measures over a sweep ordered by wA (ascending)."""
    pA = np.array([r["pA"] for r in rows_sweep])
    pB = np.array([r["pB"] for r in rows_sweep])
    slope = np.polyfit(pA, pB, 1)[0]           # simdelta: figure_resource_allocation_by_pool_separation.m:115-117
    nslope = np.polyfit(pA / pA.max(), pB / pB.max(), 1)[0]
    return {
        "drop": 1.0 - pB[-1] / pB[0],
        "slope_raw": slope,
        "slope_norm": nslope,
    }


# ---------------------------------------------------------------------------
# Controller step response (figure_controller_dynamics.m)
# ---------------------------------------------------------------------------

def step_response(arch: Arch, wA=100.0, wB=100.0, t_ind=100.0, t_max=500.0):
    """figure_controller_dynamics.m:47-58 / 112-119: steady state with (wA, wB=0),
    then wB switched on at t_ind; integrate to t_max (their tmax = 500 min)."""
    hm, hy, _ = host_state(arch)
    m0 = Model(arch, wA=wA, wB=0.0)
    y0 = np.zeros(len(m0.names))
    for n, i in hm.ix.items():
        y0[m0.ix[n]] = hy[i]
    y_pre, _ = m0.steady_state(y0)
    m1 = Model(arch, wA=wA, wB=wB)
    sol = solve_ivp(m1.rhs, (t_ind, t_max), y_pre, method="LSODA", rtol=1e-9, atol=1e-8)
    y_tmax = sol.y[:, -1]
    y_post, _ = m1.steady_state(y_pre)
    return m0.observables(y_pre), m1.observables(y_tmax), m1.observables(y_post)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def fmt(x, nd=6):
    if isinstance(x, str):
        return x
    if x == 0 or (isinstance(x, float) and abs(x) < 1e-12):
        return "0"
    return f"{x:.{nd}g}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="levels only; skip the 31-point sweeps")
    ap.add_argument("--check", action="store_true", help="print results, write no files")
    ap.add_argument("--outdir", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data"))
    args = ap.parse_args(argv)

    results = {}
    for arch in ARCHS:
        host = host_state(arch)
        lv, _ = sweep(arch, W_A_LEVELS, host)
        sw = None if args.quick else sweep(arch, W_A_SWEEP, host)[0]
        results[arch.key] = (arch, host, lv, sw)
        print(f"[{arch.key}] host lambda={host[0].observables(host[1])['lambda']:.5f}/min "
              f"res={host[2]['res_final']:.2e}", file=sys.stderr)
        for r in lv:
            print(f"   wA={r['wA']:8.3f} pA={r['pA']:11.2f} pB={r['pB']:11.2f} "
                  f"o_frac={r['o_fraction']:.4f} lam={r['lambda']:.5f} res={r['res']:.1e}",
                  file=sys.stderr)

    # reference: wild-type host (hribo, no circuit)
    wt_m, wt_y, _ = results["a"][1]
    wt = wt_m.observables(wt_y)

    summary = []
    for key, (arch, host, lv, sw) in results.items():
        base = lv[0]["pB"]
        c_lv = 1.0 - lv[-1]["pB"] / lv[0]["pB"]                  # wA 0 -> 1000
        row = {"architecture": key,
               "coupling_drop_wA0_to_1000": c_lv,
               "coupling_drop_wA1_to_1000": 1.0 - lv[-1]["pB"] / lv[1]["pB"]}
        if sw is not None:
            cp = coupling(sw)
            row.update({"slope_raw_wA1_1000": cp["slope_raw"], "slope_norm_wA1_1000": cp["slope_norm"]})
        row.update({
            "pB_at_wA0": base, "pB_at_wA1000": lv[-1]["pB"], "pA_at_wA1000": lv[-1]["pA"],
            "o_fraction_wA0": lv[0]["o_fraction"], "o_fraction_wA1000": lv[-1]["o_fraction"],
            "o_ribo_total_wA0": lv[0]["o_ribo_total"], "o_ribo_total_wA1000": lv[-1]["o_ribo_total"],
            "lambda_noCircuit": host[0].observables(host[1])["lambda"],
            "lambda_wA0": lv[0]["lambda"], "lambda_wA1000": lv[-1]["lambda"],
            "host_ribo_total_noCircuit": host[0].observables(host[1])["host_ribo_total"],
        })
        summary.append(row)

    # reproduction of figure_controller_dynamics.m (thesis/paper text: 5% vs 50% fall in free
    # o-ribosomes; ~2% steady-state error)
    dyn = {}
    for key, arch in (("c", ARCHS[4]), ("b_matched", ARCHS[3])):
        pre, at_tmax, post = step_response(arch)
        dyn[key] = (pre, at_tmax, post)
        print(f"[step {key}] pP_free pre={pre['pP_free']:.4g} t500={at_tmax['pP_free']:.4g} "
              f"ss={post['pP_free']:.4g}; o_total pre={pre['o_ribo_total']:.4g} ss={post['o_ribo_total']:.4g}; "
              f"pA pre={pre['pA']:.6g} t500={at_tmax['pA']:.6g} ss={post['pA']:.6g}; pB ss={post['pB']:.6g}",
              file=sys.stderr)

    # figure_resource_allocation_by_pool_separation.m: simdelta for 4 allocations x wrP in {50,100,500}
    fig_pool = []
    if not args.quick:
        allocs = [("h-RFP-h-GFP", "cpols", "h", "h"), ("o-RFP-o-GFP", "oribo", "o", "o"),
                  ("h-RFP-o-GFP", "cpols", "h", "o"), ("o-RFP-h-GFP", "cpols", "o", "h")]
        for name, hostname, pa, pb in allocs:
            for wrP in (50.0, 100.0, 500.0):
                ar = Arch(f"{name}@{wrP:g}", name, hostname, pa, pb, wrP=wrP)
                sw, host = sweep(ar, W_A_SWEEP)
                cp = coupling(sw)
                fig_pool.append({"allocation": name, "wrP": wrP, **cp,
                                 "pA_max": max(r["pA"] for r in sw), "pB_at_wA1": sw[0]["pB"],
                                 "pB_at_wA1000": sw[-1]["pB"],
                                 "o_fraction_wA1": sw[0]["o_fraction"],
                                 "lambda_wA1": sw[0]["lambda"]})
                print(f"[pool {name} wrP={wrP:g}] slope={cp['slope_raw']:.4f} "
                      f"nslope={cp['slope_norm']:.4f} drop={cp['drop']:.4f}", file=sys.stderr)

    # Controller sensitivity (figure_controller_analysis.m:9-21, 166-261; the paper's Fig. 6 side
    # panels): one parameter varied at a time around the GA values, on the W_A_LEVELS grid.
    sens = []
    if not args.quick:
        variants = ([("wrP", v, dict(CTRL), v) for v in (10.0, 100.0, 1000.0)] +
                    [("bF", v, dict(CTRL, bF=v), 350.0) for v in (0.2, 0.5, 1.0)] +
                    [("kF", v, dict(CTRL, kF=v), 350.0) for v in (10 ** 3.5, 1e4, 10 ** 4.5)] +
                    [("hF", v, dict(CTRL, hF=v), 350.0) for v in (1.0, 2.0, 4.0)])
        for name, v, ctrl, wrP in variants:
            ar = Arch(f"c_{name}{v:g}", "", "fbprn", "o", "o", wrP=wrP, ctrl=ctrl)
            lvs, _ = sweep(ar, W_A_LEVELS[1:])
            sens.append({"param": name, "value": v, "pA_max": lvs[-1]["pA"], "pB_wA1": lvs[0]["pB"],
                         "pB_wA1000": lvs[-1]["pB"], "drop": 1 - lvs[-1]["pB"] / lvs[0]["pB"],
                         "o_fraction_wA1": lvs[0]["o_fraction"], "o_fraction_wA1000": lvs[-1]["o_fraction"],
                         "lambda_wA1": lvs[0]["lambda"]})
            print(f"[sens {name}={v:g}] pA_max={lvs[-1]['pA']:.4g} pB {lvs[0]['pB']:.4g} -> "
                  f"{lvs[-1]['pB']:.4g}", file=sys.stderr)

    # o-rRNA cost curve (no circuit): o-fraction and growth vs wrP
    cost = []
    for wrP in (0.0, 1.6, 10.0, 50.0, 100.0, 350.0, 500.0, 1000.0):
        ar = Arch(f"cost{wrP:g}", "", "oribo", "h", "h", wrP=wrP, circuit=False)
        m = Model(ar)
        y, _ = m.steady_state(m.y0_host())
        o = m.observables(y)
        cost.append({"wrP": wrP, **o})

    if args.check:
        return 0

    os.makedirs(args.outdir, exist_ok=True)
    today = _dt.date.today().isoformat()
    prov = [
        "# Reference numbers from the model of Darlington APS, Kim J, Jimenez JI, Bates DG (2018)",
        "#   Dynamic allocation of orthogonal ribosomes facilitates uncoupling of co-expressed genes.",
        "#   Nat Commun 9:695. doi:10.1038/s41467-018-02898-6 (PMC5814443)",
        f"# Model code: {AUTHOR_REPO} commit {AUTHOR_COMMIT} (MATLAB; files lib/*ODE.m, libODE/twogenes*.m,",
        "#   lib/makeinitialconditions.m, figure_controller_analysis.m, figure_controller_dynamics.m,",
        "#   figure_resource_allocation_by_pool_separation.m), re-implemented in Python.",
        "# Script: tools/reference/darlington2018.py   command: /usr/bin/python3 tools/reference/darlington2018.py",
        f"# Date: {today}; Python {sys.version.split()[0]}; NumPy {np.__version__}; SciPy {scipy.__version__}",
        "# Integration: scipy.integrate.solve_ivp LSODA, rtol=1e-9, atol=1e-8, t = 0..1e9 min from the",
        "#   circuit-free host steady state with circuit species at 0 (as the authors: ode15s to tmax=1e9),",
        "#   then scipy.optimize.root (hybr) polish; 'residual' = max|dY/dt| at the reported state.",
        "# Units: molecules per cell; w_A in mRNA/min (max transcription rate of gene 1 = RFP = 'A');",
        "#   gene 2 = GFP = 'B', w_B = 100 mRNA/min; lambda = growth rate 1/min.",
        "# Architectures: a = both genes on host ribosomes, no o-rRNA; a_orRNA = same with o-rRNA",
        "#   (wrP=350) expressed but unused; b = both on o-ribosomes, constitutive o-rRNA wrP=350;",
        "#   b_matched = same with wrP=1.60 (the authors' open-loop comparison in",
        "#   figure_controller_dynamics.m); c = both on o-ribosomes with the o-rRNA controller",
        "#   (wrP=350, wF=1000, kF=1e4, hF=4); d = gene 1 on host, gene 2 on o-ribosomes, wrP=350.",
        "# o_ribo_fraction = (free + translating o-ribosomes) / (all free + translating ribosomes).",
        "# host_ribo_total = free host ribosomes + host ribosomes in translation complexes.",
    ]
    cols = ["architecture", "wA_mRNA_per_min", "gene1_pA", "gene2_pB", "gene2_rel_to_wA0",
            "o_ribo_fraction", "host_ribo_free", "host_ribo_total", "o_ribo_free", "o_ribo_total",
            "lambda_per_min", "lambda_rel_to_wt", "controller_pF", "o_rRNA_tx_factor", "o_rRNA_free",
            "gamma_aa_per_min", "K_circ", "load_h", "load_o", "residual"]
    with open(os.path.join(args.outdir, "darlington2018_coupling.tsv"), "w") as f:
        f.write("\n".join(prov) + "\n")
        f.write(f"# Wild-type host (no circuit, no o-rRNA): lambda = {fmt(wt['lambda'])} 1/min, "
                f"host ribosomes = {fmt(wt['host_ribo_total'])} (free {fmt(wt['pR_free'])})\n")
        f.write("\t".join(cols) + "\n")
        for key, (arch, host, lv, sw) in results.items():
            b0 = lv[0]["pB"]
            for r in lv:
                vals = [key, fmt(r["wA"]), fmt(r["pA"]), fmt(r["pB"]), fmt(r["pB"] / b0),
                        fmt(r["o_fraction"]), fmt(r["pR_free"]), fmt(r["host_ribo_total"]),
                        fmt(r["pP_free"]), fmt(r["o_ribo_total"]), fmt(r["lambda"]),
                        fmt(r["lambda"] / wt["lambda"]), fmt(r["pF"]), fmt(r["o_rRNA_tx_factor"]),
                        fmt(r["rP"]), fmt(r["gamma"]), fmt(r["K_circ"]), fmt(r["load_h"]),
                        fmt(r["load_o"]), fmt(r["res"], 2)]
                f.write("\t".join(vals) + "\n")

    with open(os.path.join(args.outdir, "darlington2018_coupling_summary.tsv"), "w") as f:
        f.write("\n".join(prov) + "\n")
        f.write("# coupling_drop_wA0_to_1000 = 1 - pB(wA=1000)/pB(wA=0): relative fall of gene 2 output.\n")
        f.write("# coupling_drop_wA1_to_1000 = same from wA=1 (the lowest level of the authors' sweeps).\n")
        f.write("# slope_raw_wA1_1000 = gradient of the linear fit pB ~ pA over wA = 10^(0:0.1:3)\n")
        f.write("#   (the authors' 'simdelta', figure_resource_allocation_by_pool_separation.m:115-117).\n")
        f.write("# slope_norm_wA1_1000 = same fit after dividing pA and pB by their maxima over the sweep.\n")
        keys = list(summary[0].keys())
        for s in summary:
            for k in s:
                if k not in keys:
                    keys.append(k)
        f.write("\t".join(keys) + "\n")
        for s in summary:
            f.write("\t".join(fmt(s.get(k, float("nan"))) for k in keys) + "\n")

        f.write("#\n# Step response (figure_controller_dynamics.m): wA = 100 throughout, wB 0 -> 100 at t = 100 min.\n")
        f.write("# columns: architecture, state (pre = steady state before wB, t500 = t = 500 min as the authors plot,\n")
        f.write("#   ss = new steady state), o_ribo_free, o_ribo_total, pA, pB, pF, o_rRNA_free, lambda\n")
        for key, (pre, at_tmax, post) in dyn.items():
            for nm, o in (("pre", pre), ("t500", at_tmax), ("ss", post)):
                f.write("# step\t" + "\t".join([key, nm, fmt(o["pP_free"]), fmt(o["o_ribo_total"]),
                                                 fmt(o["pA"]), fmt(o["pB"]), fmt(o["pF"]), fmt(o["rP"]),
                                                 fmt(o["lambda"])]) + "\n")
            for nm, o in (("t500", at_tmax), ("ss", post)):
                f.write(f"# step\t{key}\tchange_{nm}\tfall_free_o_ribo\t{fmt(1 - o['pP_free'] / pre['pP_free'])}\t"
                        f"fall_total_o_ribo\t{fmt(1 - o['o_ribo_total'] / pre['o_ribo_total'])}\t"
                        f"fall_o_rRNA\t{fmt(1 - o['rP'] / pre['rP'])}\t"
                        f"fall_pF\t{fmt(1 - o['pF'] / pre['pF']) if pre['pF'] > 0 else 'NA'}\t"
                        f"fall_pA\t{fmt(1 - o['pA'] / pre['pA'])}\n")

        if fig_pool:
            f.write("#\n# figure_resource_allocation_by_pool_separation.m reproduction (wA = 10^(0:0.1:3), wB = 100):\n")
            f.write("# pool\tallocation\twrP\tslope_raw\tslope_norm\tdrop_wA1_to_1000\tpA_max\tpB_wA1\tpB_wA1000\t"
                    "o_fraction_wA1\tlambda_wA1\n")
            for p in fig_pool:
                f.write("# pool\t" + "\t".join([p["allocation"], fmt(p["wrP"]), fmt(p["slope_raw"]),
                                                 fmt(p["slope_norm"]), fmt(p["drop"]), fmt(p["pA_max"]),
                                                 fmt(p["pB_at_wA1"]), fmt(p["pB_at_wA1000"]),
                                                 fmt(p["o_fraction_wA1"]), fmt(p["lambda_wA1"])]) + "\n")

        if sens:
            f.write("#\n# Controller sensitivity (figure_controller_analysis.m:166-261), architecture c with one\n")
            f.write("#   parameter changed (wrP changes the o-rRNA promoter; others the controller F):\n")
            f.write("# sens\tparam\tvalue\tpA_at_wA1000\tpB_at_wA1\tpB_at_wA1000\tdrop_wA1_to_1000\t"
                    "o_fraction_wA1\to_fraction_wA1000\tlambda_wA1\n")
            for q in sens:
                f.write("# sens\t" + "\t".join([q["param"], fmt(q["value"]), fmt(q["pA_max"]), fmt(q["pB_wA1"]),
                                                 fmt(q["pB_wA1000"]), fmt(q["drop"]), fmt(q["o_fraction_wA1"]),
                                                 fmt(q["o_fraction_wA1000"]), fmt(q["lambda_wA1"])]) + "\n")

        f.write("#\n# o-rRNA cost without circuit (oribo host): wrP, o_fraction, o_ribo_total, host_ribo_total,\n")
        f.write("#   host_ribo_free, lambda, lambda_rel_to_wt, free r-protein xR, free o-rRNA\n")
        for cst in cost:
            f.write("# cost\t" + "\t".join([fmt(cst["wrP"]), fmt(cst["o_fraction"]), fmt(cst["o_ribo_total"]),
                                             fmt(cst["host_ribo_total"]), fmt(cst["pR_free"]),
                                             fmt(cst["lambda"]), fmt(cst["lambda"] / wt["lambda"]),
                                             fmt(cst["xR_free"]), fmt(cst["rP"])]) + "\n")
    print("wrote", os.path.normpath(args.outdir), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
