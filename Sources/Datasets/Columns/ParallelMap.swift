internal import Dispatch
internal import Foundation

/// `(0..<count).map(body)` on all cores, results in index order; the first error is rethrown
/// after every task has ended. For a few coarse tasks (a policy, a kind of record each), not per
/// row: each result is stored under a lock.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    let slots = ParallelSlots<Result<T, any Error>>(count)
    DispatchQueue.concurrentPerform(iterations: count) { index in
        slots.set(index, Result { try body(index) })
    }
    return try slots.values().map { try $0.get() }
}

/// The same for work that cannot fail.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let slots = ParallelSlots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { index in
        slots.set(index, body(index))
    }
    return slots.values()
}

private final class ParallelSlots<T>: @unchecked Sendable {
    private var items: [T?]
    private let lock = NSLock()

    init(_ count: Int) { items = [T?](repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        items[index] = value
        lock.unlock()
    }

    func values() -> [T] { items.compactMap { $0 } }
}
