"""Runs the library hand-written as SQL (library.sql) in DuckDB over generated CSVs.

    python duckdb_library.py --data DIR --as-of YYYY-MM-DD --counts OUT.csv
        [--outcomes OUT.csv] [--mode e2e|kernel|both] [--repeat N]

e2e:    read_csv + typing (load.sql) + every policy query (library.sql), one timed block.
kernel: the tables already loaded; the policy queries alone, best of --repeat runs.
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


COUNTS = """
SELECT policy_id,
       count(*) AS evaluated,
       count(*) FILTER (WHERE outcome = 'eligible') AS eligible,
       count(*) FILTER (WHERE outcome = 'excluded') AS excluded,
       count(*) FILTER (WHERE outcome = 'ineligible') AS ineligible,
       count(*) FILTER (WHERE outcome = 'unknown') AS unknown,
       COALESCE(sum(amount) FILTER (WHERE outcome = 'eligible'), 0)::DECIMAL(38, 2) AS amount,
       COALESCE(sum(amount) FILTER (WHERE outcome = 'excluded'), 0)::DECIMAL(38, 2) AS excluded_amount
FROM outcomes GROUP BY policy_id ORDER BY policy_id
"""


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
        counts = con.execute(COUNTS).fetchall()
        print(f"e2e_seconds {time.perf_counter() - start:.3f}", flush=True)
    if args.mode in ("kernel", "both"):
        best = None
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            con.execute(library)
            counts = con.execute(COUNTS).fetchall()
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        print(f"kernel_seconds {best:.3f}", flush=True)

    rows = {r[0]: r for r in counts}
    with open(args.counts, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["policy_id", "evaluated", "eligible", "excluded", "ineligible", "unknown", "amount", "excluded_amount"])
        for policy_id in sorted(rows):
            r = rows[policy_id]
            money = ["", ""] if policy_id in REMINDERS else [f"{r[6]:.2f}", f"{r[7]:.2f}"]
            out.writerow([policy_id, r[1], r[2], r[3], r[4], r[5], *money])
    if args.outcomes:
        con.execute(f"""
            COPY (SELECT entity_id, policy_id, outcome,
                         CASE WHEN outcome = 'eligible' AND policy_id NOT IN ('QY-XWTX', 'TX-ZZDQ')
                              THEN printf('%.2f', amount) ELSE '' END AS amount
                  FROM outcomes ORDER BY policy_id, entity_id)
            TO '{os.path.abspath(args.outcomes)}' (HEADER, DELIMITER ',')
        """)
    return 0


if __name__ == "__main__":
    sys.exit(main())
