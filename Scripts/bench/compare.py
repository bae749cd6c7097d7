"""Compares per-policy outcome counts of mianshen with those of the DuckDB library.

    python compare.py --duckdb COUNTS.csv --mianshen FILE [--duckdb-outcomes OUTCOMES.csv]

FILE is either `mianshen results --all --format csv` (header entity_id,policy_id,outcome,amount)
or `mianshen rules try --format csv` (header id,name,subject,status,evaluated,granted,…); the
header tells which. Compared per policy: evaluated, eligible (granted), excluded (互斥未享),
ineligible, unknown (manual review) and the amount granted. DuckDB has no budgets: a run's
over_budget rows are eligible rows the budget did not reach, so eligible + over_budget is
compared with DuckDB's eligible (and their amounts with DuckDB's amount).
Exits 1 listing the differing policies; with results and --duckdb-outcomes, also shows up to
five differing entities per policy.
"""
import argparse
import csv
import sys
from collections import defaultdict
from decimal import Decimal

REMINDERS = {"QY-XWTX", "TX-ZZDQ"}
FIELDS = ["evaluated", "eligible", "excluded", "ineligible", "unknown", "amount"]
HEADERS = {"evaluated": "评估", "eligible": "符合", "excluded": "互斥未享", "ineligible": "不符合",
           "unknown": "待复核", "amount": "金额（元）"}


def money(text):
    return Decimal(text) if text not in ("", None) else None


def read_duckdb(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out[r["policy_id"]] = {
                "evaluated": int(r["evaluated"]), "eligible": int(r["eligible"]), "excluded": int(r["excluded"]),
                "ineligible": int(r["ineligible"]), "unknown": int(r["unknown"]), "amount": money(r["amount"]),
            }
    return out


def read_mianshen(path):
    with open(path, encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if "granted" in (reader.fieldnames or []):
            out = {}
            for r in reader:
                out[r["id"]] = {
                    "evaluated": int(r["evaluated"]), "eligible": int(r["granted"]), "excluded": int(r["excluded"]),
                    "ineligible": int(r["ineligible"]), "unknown": int(r["manual_review"]),
                    "amount": money(r["amount_yuan"]),
                }
            return "rules try", out, False
        out = defaultdict(lambda: {k: 0 for k in FIELDS})
        paid = defaultdict(Decimal)
        over_budget = False
        for r in reader:
            t = out[r["policy_id"]]
            t["evaluated"] += 1
            outcome = r["outcome"]
            if outcome == "over_budget":
                over_budget = True
                outcome = "eligible"
            t[outcome] += 1
            if outcome == "eligible" and r["amount"]:
                paid[r["policy_id"]] += Decimal(r["amount"])
        for policy_id, t in out.items():
            t["amount"] = paid[policy_id]
        return "run + results", dict(out), over_budget


def read_outcomes(path):
    out = {}
    with open(path, encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            outcome = "eligible" if r["outcome"] == "over_budget" else r["outcome"]
            amount = None if r["policy_id"] in REMINDERS else money(r["amount"])
            out[(r["policy_id"], r["entity_id"])] = (outcome, amount)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb", required=True)
    parser.add_argument("--mianshen", required=True)
    parser.add_argument("--duckdb-outcomes")
    args = parser.parse_args()

    theirs = read_duckdb(args.duckdb)
    source, ours, over_budget = read_mianshen(args.mianshen)
    policies = sorted(set(theirs) | set(ours))
    differing = []
    print(f"{'政策':<8} {'来源':<8} " + " ".join(f"{HEADERS[k]:>10}" for k in FIELDS))
    for policy_id in policies:
        a, b = ours.get(policy_id), theirs.get(policy_id)
        for name, t in (("mianshen", a), ("duckdb", b)):
            cells = ["—" if t is None else ("" if t[k] is None else str(t[k])) for k in FIELDS]
            print(f"{policy_id:<8} {name:<8} " + " ".join(f"{c:>10}" for c in cells))
        same = a is not None and b is not None and all(
            a[k] == b[k] or (k == "amount" and (a[k] or 0) == (b[k] or 0)) for k in FIELDS)
        if not same:
            differing.append(policy_id)
    print(f"mianshen 一侧：{source}" + ("（含 over_budget：按 符合 + 超出预算 比较）" if over_budget else ""))
    if not differing:
        print(f"一致：{len(policies)} 项政策的各结果人数与金额相同。")
        return 0
    print(f"不一致：{len(differing)} 项政策：{', '.join(differing)}")
    if source == "run + results" and args.duckdb_outcomes:
        mine = read_outcomes(args.mianshen)
        other = read_outcomes(args.duckdb_outcomes)
        for policy_id in differing:
            shown = 0
            for key in sorted(set(k for k in mine if k[0] == policy_id) | set(k for k in other if k[0] == policy_id)):
                if mine.get(key) != other.get(key) and shown < 5:
                    print(f"  {policy_id} {key[1]}: mianshen {mine.get(key)}, duckdb {other.get(key)}")
                    shown += 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
