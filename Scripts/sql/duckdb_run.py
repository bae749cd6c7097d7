"""Runs a `mianshen rules sql --dialect duckdb` script in DuckDB over `mianshen export` CSVs.

    duckdb_run.py --ddl ddl.sql --data DIR --script script.sql --out results.csv

Creates the tables of --ddl in an in-memory database, loads DIR/<table>.csv with COPY (grants_held
only when the export has it), runs the
script and writes its result (entity_id,policy_id,outcome,amount and the condition columns) as CSV.
Prints load and query seconds to stderr.
"""
import argparse
import os
import sys
import time

import duckdb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ddl", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--script", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    con = duckdb.connect()
    con.execute(open(args.ddl, encoding="utf-8").read())
    started = time.perf_counter()
    for table in ("residents", "enterprises", "licences", "grants_held"):
        path = os.path.join(args.data, f"{table}.csv")
        if table == "grants_held" and not os.path.exists(path):
            continue  # an export from before the ledger was exported: budgets start from nothing
        con.execute(f"COPY {table} FROM '{path}' (HEADER)")
    loaded = time.perf_counter()
    script = open(args.script, encoding="utf-8").read().strip().rstrip(";")
    con.execute(f"COPY ({script}) TO '{args.out}' (HEADER, DELIMITER ',')")
    done = time.perf_counter()
    print(f"DuckDB {duckdb.__version__}：装载 {loaded - started:.2f} 秒，脚本 {done - loaded:.2f} 秒", file=sys.stderr)


if __name__ == "__main__":
    main()
