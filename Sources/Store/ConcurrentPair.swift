internal import Datasets

/// Two pieces of work of different result types at once.
enum ConcurrentPair {
    /// `second` on a thread of its own while `first` runs on the caller's. Not one
    /// `concurrentPerform` of two: work either side spreads over the cores itself
    /// (`parallelMap`), and a `concurrentPerform` nested in another runs on one thread only.
    static func run<A: Sendable, B: Sendable>(
        _ first: @Sendable () throws -> A, _ second: @escaping @Sendable () throws -> B
    ) throws -> (A, B) {
        let other = BackgroundTask(second)
        let a = Result { try first() }
        let b = try other.value()
        return (try a.get(), b)
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
