internal import Foundation

/// A bounded hand-over between the thread that reads and validates and the thread that
/// writes: the reader blocks when `capacity` batches wait, so memory stays flat whatever the
/// file size, and both cores work at once.
final class RowChannel<Message: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Taken messages are set to nil at once: a batch must not stay alive in the queue until
    /// the next compaction (64 spent batches per channel held 150 MiB with five channels).
    private var queue: [Message?] = []
    private var head = 0
    private var cancelled = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Waits for room, then enqueues; false when the consumer gave up (stop producing).
    func put(_ message: Message) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(message)
        condition.broadcast()
        return true
    }

    /// Waits for and removes the next message; nil once cancelled with nothing waiting.
    func next() -> Message? {
        condition.lock()
        defer { condition.unlock() }
        while queue.count == head, !cancelled { condition.wait() }
        guard queue.count > head else { return nil }
        let message = queue[head]
        queue[head] = nil
        head += 1
        if head > 64, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return message
    }

    /// The consumer stops: a producer blocked in `put` returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
