"""Runs an emitted SQL script (mianshen rules sql --dialect duckdb) in DuckDB over CSVs: the
benchmark's generated files (Scripts/bench-sql.sh) and `mianshen export` directories
(Scripts/sql-differential.sh) alike.

    python duckdb_script.py --ddl DDL.sql --script SCRIPT.sql --data DIR --out RESULTS.csv
        [--threads N] [--memory-limit 4GB]

DDL.sql (mianshen rules sql --ddl --dialect duckdb) creates the tables the script reads; each
table T is loaded from DIR/T.csv (a `fixtures generate` or `export` file) with read_csv, every cell
read as text and cast to the column's DDL type (是/否 or true/false → BOOLEAN; an empty cell is
NULL). Columns of the CSV the table does not have are ignored; a table without a CSV stays empty
(grants_held of an export from before the ledger was exported: budgets start from nothing).
The script's statements are separated by `;` at line ends and its last is the SELECT of the
results: it is written with COPY (…) TO RESULTS.csv.
Prints `load_seconds S`, `query_seconds S`, `rows N` and `tables T:rows …`.
"""
import argparse
import os
import re
import sys
import time

import duckdb


def statements(text):
    """Statements separated by `;` at a line end (comments and blank lines kept with them)."""
    parts = re.split(r";[ \t]*(?:--[^\n]*)?\n", text.strip() + "\n")
    return [p.strip() for p in parts if p.strip() and not all(
        line.strip().startswith("--") or not line.strip() for line in p.splitlines())]


def cast(column, sql_type):
    q = f'"{column}"'
    if sql_type == "BOOLEAN":
        return f"CASE {q} WHEN '是' THEN TRUE WHEN '否' THEN FALSE ELSE CAST({q} AS BOOLEAN) END AS {q}"
    if sql_type == "VARCHAR":
        return q
    return f"CAST({q} AS {sql_type}) AS {q}"


def load(con, data):
    counts = []
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
    for table in tables:
        path = os.path.join(data, table + ".csv")
        if not os.path.exists(path):
            counts.append(f"{table}:无CSV")
            continue
        header = con.execute(f"SELECT * FROM read_csv('{path}', header = true, all_varchar = true) LIMIT 0").description
        present = {d[0] for d in header}
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table]).fetchall()
        select = ", ".join(cast(c, t) if c in present else f"NULL AS \"{c}\"" for c, t in columns)
        con.execute(f"INSERT INTO \"{table}\" SELECT {select} FROM read_csv('{path}', header = true, all_varchar = true)")
        loaded = con.execute('SELECT count(*) FROM "' + table + '"').fetchone()[0]
        counts.append(f"{table}:{loaded}")
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ddl", required=True)
    parser.add_argument("--script", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--memory-limit")
    args = parser.parse_args()
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    if args.memory_limit:
        con.execute(f"SET memory_limit = '{args.memory_limit}'")
    # Spills beside the output (bench/…), not in the working directory's .tmp (the repository).
    con.execute(f"SET temp_directory = '{os.path.join(os.path.dirname(os.path.abspath(args.out)), 'duckdb-tmp')}'")
    with open(args.ddl, encoding="utf-8") as f:
        for statement in statements(f.read()):
            con.execute(statement)
    start = time.perf_counter()
    counts = load(con, args.data)
    loaded = time.perf_counter()
    with open(args.script, encoding="utf-8") as f:
        script = statements(f.read())
    if not script:
        sys.exit("脚本是空的")
    for statement in script[:-1]:
        con.execute(statement)
    final = script[-1]
    con.execute(f"COPY ({final}) TO '{args.out}' (HEADER, DELIMITER ',')")
    done = time.perf_counter()
    rows = con.execute(f"SELECT count(*) FROM read_csv('{args.out}', header = true, all_varchar = true)").fetchone()[0]
    print(f"load_seconds {loaded - start:.2f}")
    print(f"query_seconds {done - loaded:.2f}")
    print(f"rows {rows}")
    print("tables " + " ".join(counts))


if __name__ == "__main__":
    main()
