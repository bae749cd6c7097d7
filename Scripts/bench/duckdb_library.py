"""Runs the library hand-written as SQL (library.sql) in DuckDB over generated CSVs.

    python duckdb_library.py --data DIR --as-of YYYY-MM-DD --counts OUT.csv
        [--outcomes OUT.csv] [--mode e2e|kernel|both] [--repeat N]

e2e:    read_csv + typing (load.sql) + every policy (library.sql) + the tallies, one timed block.
kernel: the tables already loaded; the policies and the tallies alone, best of --repeat runs.
Prints `e2e_seconds S` / `kernel_seconds S` and writes per-policy counts:
policy_id,evaluated,eligible,excluded,ineligible,unknown,amount,excluded_amount
(amount: sum over eligible rows, i.e. granted; excluded_amount: what the 互斥未享 rows would
have received; reminders (提醒) have no amount: empty).
"""
import argparse
import csv
import os
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
REMINDERS = {"QY-XWTX", "TX-ZZDQ"}


def sql(name, **values):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


TABLES = ["resident_decisions", "household_decisions", "firm_decisions"]
OUTCOMES = ["eligible", "excluded", "ineligible", "unknown"]


def counts(con):
    """Per policy: evaluated, each outcome, amount granted and excluded — one pass over each wide
    table (library.sql), without unpivoting it."""
    out = {}
    for table in TABLES:
        policies = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall() if c[0] != "entity_id"]
        parts = []
        for p in policies:
            q = f'"{p}"'
            parts.append("count(*)")
            parts += [f"count(*) FILTER (WHERE {q}.outcome = '{o}')" for o in OUTCOMES]
            parts += [f"COALESCE(sum({q}.amount) FILTER (WHERE {q}.outcome = '{o}'), 0)::DECIMAL(38, 2)"
                      for o in ("eligible", "excluded")]
        row = con.execute(f"SELECT {', '.join(parts)} FROM {table}").fetchone()
        width = 1 + len(OUTCOMES) + 2
        for i, p in enumerate(policies):
            out[p] = row[i * width:(i + 1) * width]
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--counts", required=True)
    parser.add_argument("--outcomes")
    parser.add_argument("--mode", choices=["e2e", "kernel", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    data = os.path.abspath(args.data)
    load = sql("load.sql", data=data)
    library = sql("library.sql", as_of=args.as_of)
    con = duckdb.connect()

    start = time.perf_counter()
    con.execute(load)
    if args.mode in ("e2e", "both"):
        con.execute(library)
        tallies = counts(con)
        print(f"e2e_seconds {time.perf_counter() - start:.3f}", flush=True)
    if args.mode in ("kernel", "both"):
        best = None
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            con.execute(library)
            tallies = counts(con)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        print(f"kernel_seconds {best:.3f}", flush=True)

    with open(args.counts, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["policy_id", "evaluated", "eligible", "excluded", "ineligible", "unknown", "amount", "excluded_amount"])
        for policy_id in sorted(tallies):
            r = tallies[policy_id]
            money = ["", ""] if policy_id in REMINDERS else [f"{r[5]:.2f}", f"{r[6]:.2f}"]
            out.writerow([policy_id, *r[:5], *money])
    if args.outcomes:
        con.execute(f"""
            COPY (SELECT entity_id, policy_id, outcome,
                         CASE WHEN outcome = 'eligible' AND policy_id NOT IN ('QY-XWTX', 'TX-ZZDQ')
                              THEN printf('%.2f', amount) END AS amount
                  FROM outcomes ORDER BY policy_id, entity_id)
            TO '{os.path.abspath(args.outcomes)}' (HEADER, DELIMITER ',')
        """)
    return 0


if __name__ == "__main__":
    sys.exit(main())
