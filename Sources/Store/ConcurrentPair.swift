internal import Dispatch
internal import Foundation
internal import Datasets

/// Two pieces of work at once (one on the calling thread's pool worker, one beside it); their
/// results, or the first error.
enum ConcurrentPair {
    static func run<A: Sendable, B: Sendable>(
        _ first: @Sendable () throws -> A, _ second: @Sendable () throws -> B
    ) throws -> (A, B) {
        let a = Slot<Result<A, any Error>>(), b = Slot<Result<B, any Error>>()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 { a.value = Result { try first() } } else { b.value = Result { try second() } }
        }
        guard let ra = a.value, let rb = b.value else { throw StoreError("装载数据列失败：并行读取未完成") }
        return (try ra.get(), try rb.get())
    }

    /// Written once by one thread, read after `concurrentPerform` returns (which orders them).
    private final class Slot<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: T?
        var value: T? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
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
