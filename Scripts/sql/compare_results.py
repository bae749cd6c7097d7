"""Compares the results of a SQL engine with `mianshen results --all --format csv`.

    compare_results.py --engine NAME --expected mianshen.csv --actual sql.csv

Every (entity_id, policy_id) pair must be in both with the same outcome and amount (both in
元 with two decimals; empty = none). Prints the first differences and exits 1 on any.
"""
import argparse
import csv
import sys
from decimal import Decimal


def read(path):
    rows = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            amount = row["amount"].strip()
            rows[(row["entity_id"], row["policy_id"])] = (row["outcome"], Decimal(amount) if amount else None)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--expected", required=True)
    parser.add_argument("--actual", required=True)
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args()
    expected = read(args.expected)
    actual = read(args.actual)
    differences = []
    for key in sorted(expected.keys() | actual.keys(), key=lambda k: (k[1], k[0])):
        mine, theirs = expected.get(key), actual.get(key)
        if mine != theirs:
            differences.append((key, mine, theirs))
    def show(value):
        if value is None:
            return "（无此行）"
        outcome, amount = value
        return outcome + ("" if amount is None else f" {amount:.2f}")
    for (entity, policy), mine, theirs in differences[: args.show]:
        print(f"不一致：{policy} {entity}：mianshen {show(mine)}，{args.engine} {show(theirs)}")
    if differences:
        print(f"{args.engine}：{len(differences)} 行与 mianshen results 不一致（共 {len(expected)} 行）。")
        sys.exit(1)
    outcomes = {}
    for outcome, _ in expected.values():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    summary = "、".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
    print(f"{args.engine}：{len(expected)} 行全部一致（{summary}）。")


if __name__ == "__main__":
    main()
