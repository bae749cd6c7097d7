internal import Datasets

/// Two pieces of work of different result types at once (`parallelMap` over two tasks).
enum ConcurrentPair {
    private enum Either<A: Sendable, B: Sendable>: Sendable {
        case first(A), second(B)
    }

    static func run<A: Sendable, B: Sendable>(
        _ first: @Sendable () throws -> A, _ second: @Sendable () throws -> B
    ) throws -> (A, B) {
        let results = try parallelMap(2) { index -> Either<A, B> in index == 0 ? .first(try first()) : .second(try second()) }
        guard case .first(let a) = results[0], case .second(let b) = results[1] else {
            throw StoreError("装载数据列失败：并行读取未完成")
        }
        return (a, b)
    }
}

extension ColumnTable {
    /// The text columns' codes renumbered (`codes[old]` is the new code): for merging the
    /// dictionaries of tables read apart.
    func recoded(_ codes: [Int64]) -> ColumnTable {
        var table = self
        for (name, column) in columns where CellKind(column.type) == .text {
            var recoded = column
            for row in 0..<count where column.isValid(row) { recoded.values[row] = codes[Int(column.values[row])] }
            table.columns[name] = recoded
        }
        return table
    }
}
